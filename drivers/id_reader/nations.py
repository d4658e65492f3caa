# SPDX-License-Identifier: Apache-2.0
"""Nation codes (GB 3304) as stored in the resident card's 2-digit nation field (spec section 6)."""
from __future__ import annotations

NATIONS: dict[str, str] = dict(
    zip(
        [f"{i:02d}" for i in range(1, 57)] + ["97", "98"],
        "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
        "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 "
        "京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 其他 外国血统中国籍人士".split(),
        strict=True,
    )
)


def nation_name(code: str) -> str:
    """民族 for a 2-digit code; an unknown code is shown as ``code NN``, never guessed."""
    return NATIONS.get(code, f"code {code}")
