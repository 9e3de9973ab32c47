/// `deck.css`: slide geometry on top of `style.css`.
///
/// A slide is a 16:9 box as large as the window allows, with its font size a 64th of its width,
/// so every length in em scales with it: what fits at 1280×720 fits on any projector. Printed,
/// each slide is exactly one 1280×720 px page.
enum DeckStylesheet {
    static let css = """
        :root { --w: min(100vw, 177.78vh); }
        body.deck-page { margin: 0; background: #2a2f36; }
        .slide {
          position: relative; display: flex; flex-direction: column; overflow: hidden;
          width: var(--w); height: calc(var(--w) * 0.5625); font-size: calc(var(--w) / 64);
          margin: 0 auto 1.5vh; padding: 1.6em 2.4em 2.6em; background: var(--paper); line-height: 1.35;
        }
        .js body.deck-page { overflow: hidden; }
        .js .slide { display: none; position: fixed; inset: 0; margin: auto; }
        .js .slide.current { display: flex; }
        .slide:focus { outline: none; }
        .slide header h2 { margin: 0.1em 0 0.5em; font-size: 1.9em; }
        .slide .kicker { margin: 0; font-size: 0.85em; }
        .slide .code { font-size: 1.05em; margin: 0 0 0.7em; padding: 0.6em 0.9em; white-space: pre-wrap; }
        .slide-body { flex: 1; min-height: 0; display: grid; grid-template-columns: minmax(0, 1.2fr) minmax(0, 1fr); gap: 1.2em; }
        .slide-body.wide { grid-template-columns: minmax(0, 1fr); }
        .slide .output { --fit: 1; font-size: calc(var(--fit) * 0.8em); overflow: hidden; margin: 0; min-height: 0; padding: 0.7em 1em 0; }
        .slide .output.dense { font-size: calc(var(--fit) * 0.6em); }
        .slide .output p { margin: 0 0 0.6em; }
        .slide .output table { font-size: 1em; }
        .slide .output th, .slide .output td { padding: 0.15em 0.45em; }
        .slide .table-scroll { overflow: visible; margin: 0 0 0.6em; }
        .slide .diagram { margin: 0; min-height: 0; display: flex; }
        .slide .diagram svg { width: 100%; height: 100%; max-height: 100%; }
        .slide-body.with-figures { grid-template-columns: minmax(0, 1fr) minmax(0, 1.6fr); }
        .slide-figures { min-height: 0; display: grid; grid-auto-rows: minmax(0, 1fr); gap: 0.5em; }
        .slide-figures.two-columns { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
        .slide-figures figure { margin: 0; min-height: 0; display: flex; flex-direction: column; align-items: center; }
        .slide-figures figure > svg, .slide-figures figure > img { flex: 1 1 0; min-height: 0; width: 100%; height: 100%; object-fit: contain; }
        .slide-figures figcaption { font-size: 0.6em; color: var(--muted); text-align: center; }
        .title-slide { justify-content: center; }
        .title-slide h1 { font-size: 2.8em; margin: 0.2em 0 0.4em; }
        .title-slide .summary { font-size: 1.3em; max-width: 40em; }
        .title-slide .params { font-size: 0.8em; }
        .hint, .title-slide .links { color: var(--muted); font-size: 0.8em; margin: 1.5em 0 0; }
        @media print { .title-slide .links { display: none; } }
        .slide-foot {
          position: absolute; left: 2.4em; right: 2.4em; bottom: 0.7em;
          display: flex; justify-content: space-between; align-items: center; gap: 1em; font-size: 0.8em; color: var(--muted);
        }
        .slide-foot a { text-decoration: none; padding: 0 0.6em; border-radius: 4px; font-size: 1.3em; line-height: 1.2; }
        .slide-foot a:hover { background: var(--accent-wash); }
        .slide-foot .count { margin-right: auto; margin-left: auto; font-variant-numeric: tabular-nums; }
        @page { size: 1280px 720px; margin: 0; }
        @media print {
          html { font-size: 16px; }
          body.deck-page { background: none; }
          .slide, .js .slide {
            display: flex; position: relative; inset: auto; margin: 0;
            width: 1280px; height: 720px; font-size: 20px; break-after: page; page-break-after: always;
          }
          .slide:last-child { break-after: auto; page-break-after: auto; }
          .slide-foot a { display: none; }
          .slide .code { background: #0f1b2a; color: #f3f6f9; border: none; }
          .slide .code .kw { color: #ffa7c4; } .slide .code .st { color: #b5f0a6; } .slide .code .cm { color: #aab6c3; }
          .slide .code .nu { color: #ffd58a; } .slide .code .fn { color: #8fd0ff; } .slide .code .bi { color: #d8b8ff; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }

        """
}
