"""A griffe extension: the docstrings' reStructuredText roles as Markdown for mkdocstrings.

The docstrings are numpydoc, written for Sphinx as much as for ``help()``: they
cross-reference with ``:func:`name```, ``:class:`name```, ``:meth:`...```,
``:data:``, ``:attr:``, ``:mod:`` and write formulas with ``:math:`...``` and
``.. math::``. mkdocstrings reads Markdown, so before the docstrings are parsed
this extension rewrites

* a role naming an object of the package as an optional cross-reference: a
  link where the object has a page, plain code where it does not (private
  helpers, objects of other libraries);
* ``:math:`x``` as code, ``.. math::`` blocks as code blocks (the formulas stay
  as written, in LaTeX).

Loaded by ``mkdocs.yml`` (``extensions: [docs/griffe_rst_roles.py]``); nothing in
``src/`` depends on it.
"""

from __future__ import annotations

import html
import re
from typing import Any

from griffe import Extension, Module, Object

ROLE = re.compile(r":(?:py:)?(func|class|meth|data|mod|attr|obj|exc):`([^`]+)`")
LITERAL_MARKER = re.compile(r"(\S)::\n\n", re.M)
DOCTEST = re.compile(r"^([ \t]*)>>> .*\n(?:\1(?:>>>|\.\.\.)(?: .*)?\n|\1\S.*\n)*", re.M)
SECTION = re.compile(r"^(\w[\w ]*)\n-+\n", re.M)
MODULE_METHODS = re.compile(r"^(Methods)\n-+\n", re.M)
MATH_ROLE = re.compile(r":math:`([^`]+)`")
MATH_BLOCK = re.compile(r"^([ \t]*)\.\. math::[ \t]*(.*)\n((?:(?:\1[ \t]+.*)?\n)*)", re.M)


def _identifier(obj: Object, target: str) -> str | None:
    """The full path of ``target`` as seen from ``obj``, or None outside the package."""
    if target.startswith("alt401k."):
        return target
    first, _, rest = target.partition(".")
    scope: Object | None = obj
    while scope is not None:
        try:
            path = scope.resolve(first)
        except Exception:  # any failure to resolve: try the enclosing scope
            scope = scope.parent
            continue
        if path.startswith("alt401k"):
            return f"{path}.{rest}" if rest else path
        return None
    return None


def _role(obj: Object, match: re.Match[str]) -> str:
    text = match.group(2).strip()
    shown, target = text, text
    explicit = re.fullmatch(r"(.*?)\s*<(.+)>", text)
    if explicit:
        shown, target = explicit.group(1), explicit.group(2)
    if target.startswith("~"):
        target = target[1:]
        shown = target.rsplit(".", 1)[-1]
    target = target.lstrip(".").removesuffix("()")
    if match.group(1) in {"func", "meth"} and not shown.endswith(")"):
        shown = f"{shown}()" if not explicit else shown
    identifier = _identifier(obj, target)
    code = f"<code>{html.escape(shown)}</code>"
    if identifier is None:
        return code
    return f'<autoref identifier="{html.escape(identifier)}" optional>{code}</autoref>'


def _math_block(match: re.Match[str]) -> str:
    indent, first, rest = match.group(1), match.group(2), match.group(3)
    lines = [first.strip()] if first.strip() else []
    lines += [line.strip() for line in rest.splitlines() if line.strip()]
    body = "\n".join(f"{indent}{line}" for line in lines)
    return f"{indent}```text\n{body}\n{indent}```\n\n"


def _fence_doctests(text: str) -> str:
    """Doctest blocks outside an Examples section as code (griffe fences those itself)."""
    parts = SECTION.split(text)
    # parts: [before, title, body, title, body, ...]
    out = [DOCTEST.sub(_fence, parts[0])]
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        out.append(f"{title}\n{'-' * len(title)}\n")
        out.append(body if title == "Examples" else DOCTEST.sub(_fence, body))
    return "".join(out)


def _fence(match: re.Match[str]) -> str:
    indent = match.group(1)
    return f"{indent}```pycon\n{match.group(0)}{indent}```\n"


def rewrite(obj: Object, text: str) -> str:
    """The docstring ``text`` of ``obj`` with its roles and math in Markdown."""
    if obj.is_module:
        # numpydoc's "Methods" section lists a class's methods; in a module docstring it is
        # a plain heading, which griffe would parse as a list of methods.
        text = MODULE_METHODS.sub(r"**\1**\n", text)
    text = MATH_BLOCK.sub(_math_block, text)
    text = LITERAL_MARKER.sub(r"\1:\n\n", text)  # RST's "::" before a literal block
    text = _fence_doctests(text)
    text = MATH_ROLE.sub(lambda m: f"`{m.group(1)}`", text)
    return ROLE.sub(lambda m: _role(obj, m), text)


class RstRoles(Extension):
    """Rewrite every docstring of the package once it is loaded."""

    def __init__(self) -> None:
        super().__init__()
        self._done: set[str] = set()  # a griffe that calls both hooks rewrites once

    def on_package(self, *, pkg: Module, **kwargs: Any) -> None:  # griffe >= 2
        self._once(pkg)

    def on_package_loaded(self, *, pkg: Module, **kwargs: Any) -> None:  # griffe 1
        self._once(pkg)

    def _once(self, pkg: Module) -> None:
        if pkg.path not in self._done:
            self._done.add(pkg.path)
            self._walk(pkg, set())

    def _walk(self, obj: Object, seen: set[str]) -> None:
        if obj.path in seen:
            return
        seen.add(obj.path)
        if obj.docstring is not None:
            obj.docstring.value = rewrite(obj, obj.docstring.value)
        for member in obj.members.values():
            if member.is_alias:
                continue
            self._walk(member, seen)  # type: ignore[arg-type]
