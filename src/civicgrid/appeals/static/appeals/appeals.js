// The appeal forms' "use my position" button: fills latitude and longitude from the phone's GPS and fires
// `change`, so htmx shows which grid and compound the point falls in.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-geolocate]");
    if (!button) return;
    var form = button.closest("form");
    var status = form.querySelector("[data-geolocate-status]");
    if (!navigator.geolocation) {
      status.textContent = "此浏览器不支持定位，请手动填写经纬度。";
      return;
    }
    status.textContent = "正在定位…";
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var lat = form.querySelector("[name=lat]");
        var lng = form.querySelector("[name=lng]");
        lat.value = position.coords.latitude.toFixed(6);
        lng.value = position.coords.longitude.toFixed(6);
        // Both are filled before either announces it, so no lookup goes out with half a point.
        lng.dispatchEvent(new Event("change", { bubbles: true }));
        status.textContent = "已定位（精度约 " + Math.round(position.coords.accuracy) + " 米）。";
        button.disabled = false;
      },
      function (error) {
        status.textContent = "定位失败：" + (error.code === 1 ? "未获得定位权限" : "无法取得位置") + "，请手动填写经纬度。";
        button.disabled = false;
      },
      { enableHighAccuracy: true, timeout: 15000 }
    );
  });
})();

// The dispatch form: the unit chosen as 主办 cannot also be 协办, so its checkbox is unticked and disabled
// (the service would drop it silently otherwise).
(function () {
  "use strict";
  function lockMainUnit(form) {
    var main = form.querySelector("select[name=unit]");
    if (!main) return;
    form.querySelectorAll("input[name=assisting_units]").forEach(function (box) {
      var isMain = box.value === main.value;
      if (isMain && box.checked) {
        box.checked = false;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      }
      box.disabled = isMain;
      box.closest("label").title = isMain ? "已是主办单位" : "";
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[name=unit]")) lockMainUnit(event.target.form);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[name=unit]").forEach(function (main) { lockMainUnit(main.form); });
  });
})();
