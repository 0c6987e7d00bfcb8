"""`civicgrid api-key create|revoke|list`: client applications' keys from the command line."""

from django.core.management.base import BaseCommand, CommandError

from civicgrid.api.models import ApiScope
from civicgrid.api.selectors import account_named, api_client_named, api_key_with_prefix, api_keys
from civicgrid.api.services import ApiClientError, create_api_client, issue_api_key, revoke_api_key
from civicgrid.appeals.models import Channel


class Command(BaseCommand):
    help = "开放接口密钥：create 签发（必要时新建应用），revoke 吊销，list 列出"

    def add_arguments(self, parser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        create = subcommands.add_parser("create", help="为应用签发新密钥；应用不存在时按下列参数新建")
        create.add_argument("client", help="应用名称")
        create.add_argument("--account", help="新建应用时：服务账号的用户名（其角色决定数据范围）")
        create.add_argument("--owner", help="新建应用时：负责人的用户名（缺省为服务账号）")
        create.add_argument(
            "--scopes", default="read", help=f"新建应用时：权限，逗号分隔（{'、'.join(ApiScope.values)}）"
        )
        create.add_argument(
            "--channel", default=Channel.APP, choices=Channel.values, help="新建应用时：诉求渠道"
        )
        create.add_argument("--rate", type=int, default=120, help="新建应用时：每分钟请求上限")
        revoke = subcommands.add_parser("revoke", help="吊销密钥")
        revoke.add_argument("prefix", help="密钥前缀（cg_ 之后的 8 位）")
        subcommands.add_parser("list", help="列出所有密钥")

    def handle(self, *args, subcommand: str, **options) -> None:
        try:
            getattr(self, f"handle_{subcommand}")(**options)
        except ApiClientError as error:
            raise CommandError(str(error)) from error

    def handle_create(
        self, *, client: str, account, owner, scopes: str, channel: str, rate: int, **_
    ) -> None:
        found = api_client_named(client)
        if found is None:
            if not account:
                raise CommandError(f"应用“{client}”不存在；新建时须用 --account 指定服务账号。")
            service_account = self._account(account)
            found = create_api_client(
                name=client,
                owner=self._account(owner) if owner else service_account,
                account=service_account,
                scopes=[s.strip() for s in scopes.split(",") if s.strip()],
                channel=channel,
                rate_limit_per_minute=rate,
            )
            self.stdout.write(f"已新建应用“{found.name}”，权限：{'、'.join(found.scopes)}")
        key, token = issue_api_key(client=found)
        self.stdout.write(self.style.SUCCESS(f"已签发密钥 {key.prefix}（只显示这一次，请妥善保存）："))
        self.stdout.write(token)

    def handle_revoke(self, *, prefix: str, **_) -> None:
        key = api_key_with_prefix(prefix.removeprefix("cg_")[:8])
        if key is None:
            raise CommandError(f"没有前缀为 {prefix} 的密钥。")
        revoke_api_key(key=key)
        self.stdout.write(self.style.SUCCESS(f"已吊销密钥 {key.prefix}（{key.client}）"))

    def handle_list(self, **_) -> None:
        for key in api_keys():
            state = f"已吊销 {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "有效"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "从未使用"
            self.stdout.write(
                f"{key.prefix}\t{key.client.name}\t{','.join(key.client.scopes)}\t{state}\t最近使用：{used}"
            )

    def _account(self, username: str):
        account = account_named(username)
        if account is None:
            raise CommandError(f"账号“{username}”不存在。")
        return account
