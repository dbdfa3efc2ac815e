"""Voila pages share one cache of compiled templates (grading/kernels/templates.py): the second page
does not compile what the first did, and an edited template is compiled afresh."""
from jinja2 import DictLoader, Environment

from grading.kernels.templates import SharedBytecode, share_compiled_templates


def _compiles(env: Environment) -> list[str]:
    seen = []
    compile_ = env.compile

    def counting(source, name=None, filename=None, raw=False, defer_init=False):
        seen.append(name)
        return compile_(source, name, filename, raw, defer_init)
    env.compile = counting
    return seen


def _env(cache, source: str) -> Environment:
    # a FileSystemLoader-like loader: bytecode caching needs a file name, as Voila's templates have
    class Files(DictLoader):
        def get_source(self, environment, template):
            text, _, uptodate = super().get_source(environment, template)
            return text, f"/templates/{template}", uptodate
    return Environment(loader=Files({"page.j2": source}), bytecode_cache=cache)


def test_a_template_is_compiled_once_for_all_pages_until_it_changes():
    cache = SharedBytecode()
    first = _env(cache, "Hello {{ name }}")
    seen = _compiles(first)
    assert first.get_template("page.j2").render(name="A") == "Hello A" and seen == ["page.j2"]
    second = _env(cache, "Hello {{ name }}")
    seen = _compiles(second)
    assert second.get_template("page.j2").render(name="B") == "Hello B" and seen == []
    edited = _env(cache, "Bye {{ name }}")
    seen = _compiles(edited)
    assert edited.get_template("page.j2").render(name="C") == "Bye C" and seen == ["page.j2"]


def test_every_voila_exporter_gets_the_shared_cache():
    from voila.exporter import VoilaExporter

    from grading.kernels.templates import CACHE
    assert share_compiled_templates() and share_compiled_templates()  # patching twice changes nothing
    one, two = VoilaExporter(template_name="lab"), VoilaExporter(template_name="lab")
    assert one.environment is not two.environment
    assert one.environment.bytecode_cache is CACHE and two.environment.bytecode_cache is CACHE
