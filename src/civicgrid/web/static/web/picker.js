// Grouped checkboxes (directory.forms.GroupedCheckboxes): a box that keeps only the names containing what is
// typed, unfolding the groups that hold them, and a line naming what is checked so far.
(function () {
  "use strict";

  function showChosen(picker) {
    var names = Array.prototype.map.call(
      picker.querySelectorAll("input[type=checkbox]:checked"),
      function (box) { return box.nextElementSibling.textContent; }
    );
    picker.querySelector("[data-picker-chosen]").textContent =
      names.length ? "已选 " + names.length + " 个：" + names.join("、") : "";
  }

  function filter(picker, query) {
    query = query.trim();
    var found = 0;
    picker.querySelectorAll(".picker-group").forEach(function (group) {
      var shown = 0;
      group.querySelectorAll("label.choice").forEach(function (label) {
        var match = !query || label.textContent.indexOf(query) !== -1;
        label.hidden = !match;
        if (match) shown += 1;
      });
      found += shown;
      group.hidden = shown === 0;
      group.querySelector(".count").textContent = shown;
      // Typing unfolds the groups that match; clearing the box folds back all but those with a choice.
      group.open = query ? shown > 0 : group.querySelector("input:checked") !== null;
    });
    var none = picker.querySelector("[data-picker-none]");
    none.textContent = "没有名称含“" + query + "”的单位。";
    none.hidden = found > 0;
  }

  function init(root) {
    root.querySelectorAll("[data-picker]").forEach(function (picker) {
      if (picker.dataset.pickerReady) return;
      picker.dataset.pickerReady = "1";
      var box = picker.querySelector("[data-picker-filter]");
      box.hidden = false;
      box.addEventListener("input", function () { filter(picker, box.value); });
      // Enter in the filter box narrows the list; it must not submit the form around it.
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
      picker.addEventListener("change", function () { showChosen(picker); });
      showChosen(picker);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
