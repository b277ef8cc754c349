"""The rows of a module's table on the learner's workspace.

Written here rather than as a loop of template tags, as Django's admin writes its change list rows: a course
has some sixty resources, and a loop with a link, a translated kind, a translated sentence and a status per
row cost more than everything else on the page together, on the page every learner opens (bench/pages.py).
The markup is the one the template had; titles come escaped (selectors.ResourceRow.title_html) and every
other value is a number, a date, a translated label escaped here or a progress slot (learning.progress).
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def resource_rows(resources) -> SafeString:
    kinds = {"video": escape(_("视频")), "document": escape(_("文档")), "article": escape(_("文章"))}
    live = escape(_("直播"))
    due = escape(_("期限"))
    rows = []
    for r in resources:
        # The credited time and the status cells are a slot: learning.progress writes the learner's own
        # progress in on every answer.
        due_on = f" · {due} {r.due_on:%Y-%m-%d}" if r.due_on else ""
        state = r.due_state if r.due_on else ""
        if state:  # overdue or due soon: said while the resource is not done (the slot hides it after)
            note = escape(r.due_note)
            due_on += f' <span class="due-{state}" data-due="{state}"{r.hidden_when_done}>{note}</span>'
        rows.append(
            f'<tr><td><a href="{r.url}" data-testid="study-link">{r.title_html}</a></td>'
            f'<td class="muted">{kinds.get(r.kind, live)}</td>'
            f"<td>{r.progress_cells}{due_on}</td></tr>\n"
        )
    return SafeString("".join(rows))
