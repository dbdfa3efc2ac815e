"""Chinese text in plots on a machine without a CJK system font.

The course ships Noto Sans CJK SC (SIL Open Font License 1.1) inside the Python
environment, as the `noto-cjk-sans-otc` package.  It is added to `font.family`
*after* the theme's family (matplotlib falls back glyph by glyph along that list,
not along `font.sans-serif`): Latin text looks exactly as before, and any glyph
the theme's font lacks (Chinese labels, a trainee named 王芳) comes from Noto.
"""
from __future__ import annotations

import logging

CJK_FAMILY = "Noto Sans CJK SC"


def _not_about_cjk_weight(record: logging.LogRecord) -> bool:
    """The shipped CJK font has one weight: bold Chinese is drawn regular, which is expected, not news."""
    return not (record.getMessage().startswith("findfont: Failed to find font weight")
                and CJK_FAMILY in record.getMessage())


def cjk_font_path() -> str | None:
    try:
        import noto_cjk_sans_otc
    except ImportError:  # an environment built without the course's pins
        return None
    return str(noto_cjk_sans_otc.FONT_PATH)


def use_course_fonts(rc=None) -> bool:
    """Register the CJK font and append it to `font.family` (of `rc`, or the global rcParams)."""
    import matplotlib
    from matplotlib import font_manager
    path = cjk_font_path()
    if path is None:
        return False
    if not any(f.fname == path for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
        logging.getLogger("matplotlib.font_manager").addFilter(_not_about_cjk_weight)
    if rc is not None:
        rc["font.family"] = _with_cjk(rc.get("font.family", matplotlib.rcParams["font.family"]))
        return True
    # A theme set later (seaborn's set_theme sets font.family to "sans-serif") must keep the
    # fallback too, in whichever cell the trainee calls it: every value given to font.family
    # gets the CJK family appended, through rcParams' own validator for that key.
    validators = matplotlib.RcParams.validate
    if not getattr(validators["font.family"], "keeps_cjk", False):
        validators["font.family"] = _keeping_cjk(validators["font.family"])
    matplotlib.rcParams["font.family"] = matplotlib.rcParams["font.family"]
    return True


def _with_cjk(family) -> list:
    family = [family] if isinstance(family, str) else list(family)
    return family if CJK_FAMILY in family else family + [CJK_FAMILY]


def _keeping_cjk(validate):
    def validate_family(value):
        return _with_cjk(validate(value))
    validate_family.keeps_cjk = True
    return validate_family
