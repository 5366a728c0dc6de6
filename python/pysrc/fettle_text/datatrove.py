"""A datatrove pipeline step that cleans documents with fettle.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from fettle_text.datatrove import FettleFormatter

    LocalPipelineExecutor(pipeline=[
        JsonlReader("raw/"),
        FettleFormatter(),
        JsonlWriter("clean/"),
    ]).run()

Each document's ``text`` is cleaned (``fettle_text.fix_text``, record
profile); ``doc.metadata["fettle_edits"]`` holds ``{rule: number of edits}``
for that document (empty when nothing changed), and the step's stats count
the same per rule (``fettle_<rule>``) plus the documents changed
(``fettle_changed``).
"""

from collections import Counter
from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.formatters.base import BaseFormatter
from datatrove.utils.typeshelper import StatHints

from ._fettle import fix_and_explain, fix_text


class FettleFormatter(BaseFormatter):
    """Clean ``doc.text`` with fettle and count the edits per rule.

    ``policy`` is passed to ``fettle_text.fix_text`` (e.g.
    ``quote_style="straight"``, ``disable=["nfc"]``); it is checked here, so
    a bad keyword fails when the pipeline is built, not on the first document.
    """

    name = "🧹 fettle"
    _requires_dependencies = []

    def __init__(self, metadata_key: str = "fettle_edits", **policy: Any):
        super().__init__()
        self.metadata_key = metadata_key
        self.policy = policy
        fix_text("", **policy)

    def format(self, text: str) -> str:
        return fix_text(text, **self.policy)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                doc.text, edits = fix_and_explain(doc.text, **self.policy)
            per_rule = Counter()
            for edit in edits:
                per_rule[edit.rule] += 1
                for earlier in edit.merged:
                    per_rule[earlier] += 1
            for rule, count in per_rule.items():
                self.stat_update(f"fettle_{rule}", value=count)
            if edits:
                self.stat_update("fettle_changed")
            doc.metadata[self.metadata_key] = dict(per_rule)
            yield doc
