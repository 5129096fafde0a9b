"""One constancia's unsigned PDF from its rendered template body: the kind's model and the frame
come from WeasyPrint once (per process, cached by kind version and by the static part's HTML);
per document only the flow (flow.py) and the file (writer.py) are produced."""
from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from lxml import html as lhtml

from ...core.pdf import PdfPart, render_with_layout
from .flow import Typesetter
from .frame import MissingStyle, build_frame, measure, split
from .writer import write

FRAMES_KEPT = 32
AUTHOR = "Instituto Mexicano del Seguro Social"


class Composer:
    """Per process: models by kind version, frames by static part (most recently used kept)."""

    def __init__(self, css: str, assets: str, head: str):
        self.css, self.assets, self.head = css, Path(assets), head
        self.models: dict = {}
        self.frames: OrderedDict = OrderedDict()
        self.lock = threading.Lock()  # the web process's threads share one Composer

    def render(self, body: str):
        """The layout only (a model is measured, never printed)."""
        return render_with_layout([PdfPart(body)], stylesheets=(self.css,), assets=self.assets, head=self.head,
                                  write=False)

    def _frame_css_render(self, model):
        css = self.css + "\n" + model.hidden_css

        def render(body: str):
            return render_with_layout([PdfPart(body)], stylesheets=(css,), assets=self.assets, head=self.head)
        return render

    def frame(self, plantilla: str, model, head, first_flow):
        key = (plantilla, "".join(lhtml.tostring(e, encoding="unicode") for e in head),
               first_flow.tag, first_flow.get("class"))
        with self.lock:
            frame = self.frames.get(key)
            if frame is not None:
                self.frames.move_to_end(key)
                return frame
        frame = build_frame(head, first_flow, self._frame_css_render(model))  # WeasyPrint: its own lock
        with self.lock:
            self.frames[key] = frame
            while len(self.frames) > FRAMES_KEPT:
                self.frames.popitem(last=False)
        return frame

    def compose(self, body: str, *, plantilla: str, folio: str, title: str, created, qr_modules,
                attachment) -> bytes:
        root, head, flow = split(body)
        model = self.models.get(plantilla)
        if model is None:
            model = self.models[plantilla] = measure(body, folio, self.render)
        frame = self.frame(plantilla, model, head, flow[0])
        for attempt in (0, 1):
            text = "".join(e.text_content() for e in flow) + "".join(f.pattern for f in model.footers) + folio
            setter = Typesetter(model, frame.flow_top, qr_modules, text)
            try:
                setter.flow(flow)
                break
            except MissingStyle:
                if attempt:
                    raise
                measure(body, folio, self.render, model)  # an element the model lacked: learn it
        setter.footers(folio)
        pages = [page.ops for page in setter.pages]
        return write(frame, list(setter.faces.values()), ["\n".join(ops) for ops in pages],
                     media=(model.page[0] * 0.75, model.page[1] * 0.75), title=title, author=AUTHOR,
                     created=created, attachment=attachment)
