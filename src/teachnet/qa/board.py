"""The hook that moves a question left unanswered into the subject's discussion board (ACT-1, ACT-5).

The board lives in another app (`discussions`); Q&A knows nothing of it. That app connects itself in its
AppConfig.ready:

    from teachnet.qa.board import register_mover

    def move_qa_question(*, question, actor) -> str:
        # question: teachnet.qa.models.QaMessage (kind "question"); question.session.provider_subject
        # gives the project and subject, question.author / .author_name / .body / .created_at what to post.
        thread = thread_create(board=subject_board(...), author=question.author, ...)
        return thread.get_absolute_url()          # where the question now lives

    register_mover(move_qa_question)

Until a mover is registered, pages and the API do not offer the action (`mover()` is None). The handler runs
inside qa's transaction (qa.services.question_move): raising a django ValidationError refuses the move with
that message and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Mover = Callable[..., str]
_MOVER: list[Mover] = []


def register_mover(handler: Mover) -> None:
    _MOVER[:] = [handler]


def unregister_mover() -> None:
    _MOVER.clear()


def mover() -> Mover | None:
    return _MOVER[0] if _MOVER else None
