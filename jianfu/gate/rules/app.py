"""政务APP、小程序、公众号、工作群 rules ("指尖上的形式主义")."""

from jianfu.gate.rules.base import Facts, dice, finding, related, topic_key
from jianfu.ledger.choices import Platform

# A department rarely needs two of these; two work groups may serve different purposes.
_SINGLETON_PLATFORMS = (Platform.APP, Platform.MINI_PROGRAM, Platform.OFFICIAL_ACCOUNT)
TOPIC_THRESHOLD = 0.3


def app_duplicate_function(facts: Facts) -> list[dict]:
    d = facts.draft
    mine = topic_key(d.title)
    same = [
        a
        for a in facts.ctx.issuer_apps
        if dice(mine, topic_key(a.title)) >= TOPIC_THRESHOLD
        or (d.platform and a.platform == d.platform and d.platform in _SINGLETON_PLATFORMS)
    ]
    limit = facts.limits["app_similarity"]
    seen = {a.id for a in same}
    similar = [a for a in facts.ctx.similar_apps if (a.similarity or 0) >= limit and a.id not in seen]
    found = same + similar
    if not found:
        return []
    message = (
        f"已有在用的《{found[0].title}》提供相同功能：请整合到已有应用或工作群，不再新建；"
        f"同一事项只用一个平台、一个群。"
    )
    return [finding("APP_DUPLICATE_FUNCTION", "warn", message, related=related(found))]


def app_forced_use(facts: Facts) -> list[dict]:
    hits = facts.hits("APP_FORCED_USE")
    if not hits:
        return []
    message = (
        f"强制基层下载注册或以使用数据考核（{facts.quoted(hits)}）：请删除强制使用要求，"
        f"不得以登录、点赞、转发、学习时长等作为考核依据。"
    )
    return [finding("APP_FORCED_USE", "warn", message, evidence=facts.evidence(hits))]


RULES = [app_duplicate_function, app_forced_use]
