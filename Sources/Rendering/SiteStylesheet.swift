/// `style.css`: the site's one stylesheet, hand-written, no web fonts (system fonts only).
///
/// Readable first: a 44em text column, 1.6 line height, dark-on-white text (contrast above 7:1
/// for body text), code and shapes in a monospace at a size that survives a projector, focus
/// rings on every link. A print section drops the navigation and keeps sections together.
enum SiteStylesheet {
    static let css = """
        :root {
          --ink: #1b1f24; --muted: #4d5761; --paper: #ffffff; --wash: #f4f6f8; --line: #d5dbe1;
          --accent: #0a58a8; --accent-wash: #e6f0fb; --new: #a34700; --new-wash: #fff1de;
          --body: #1f5f9e; --body-wash: #eaf2fb; --head: #8a4b00; --head-wash: #fdf3e6;
          --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace;
          --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif;
        }
        * { box-sizing: border-box; }
        html { font-size: 112.5%; -webkit-text-size-adjust: 100%; scroll-padding-top: 1rem; }
        body { margin: 0; color: var(--ink); background: var(--paper); font: 1rem/1.6 var(--sans); }
        a { color: var(--accent); text-underline-offset: 0.15em; }
        a:hover { text-decoration-thickness: 2px; }
        a:focus-visible, [tabindex]:focus-visible { outline: 3px solid var(--new); outline-offset: 2px; border-radius: 2px; }
        code, pre, kbd { font-family: var(--mono); font-size: 0.9em; }
        :not(pre) > code { background: var(--wash); border: 1px solid var(--line); border-radius: 4px; padding: 0.05em 0.3em; white-space: nowrap; }
        pre { overflow-x: auto; }
        h1, h2, h3, h4 { line-height: 1.25; margin: 1.6em 0 0.5em; }
        h1 { font-size: 2.1rem; margin-top: 0.4em; }
        h2 { font-size: 1.5rem; }
        h3 { font-size: 1.2rem; }
        p, ul, ol, table, pre, figure { margin: 0 0 1rem; }
        .skip { position: absolute; left: -999px; top: 0; background: var(--paper); padding: 0.5rem 1rem; z-index: 2; }
        .skip:focus { left: 0.5rem; }
        .crumbs { padding: 0.6rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--wash); font-size: 0.95rem; }
        .crumbs span { color: var(--muted); margin: 0 0.3em; }
        .layout { display: grid; grid-template-columns: minmax(0, 1fr); max-width: 76rem; margin: 0 auto; padding: 0 1.5rem; }
        main { max-width: 50rem; min-width: 0; }
        .toc { margin: 1rem 0; padding: 0.8rem 1rem; background: var(--wash); border-radius: 8px; font-size: 0.95rem; }
        .toc h2 { margin: 0 0 0.4rem; font-size: 1rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
        .toc ol { list-style: none; margin: 0; padding: 0; }
        .toc li { margin: 0.15rem 0; }
        .toc a { display: block; padding: 0.15rem 0.3rem; text-decoration: none; border-radius: 4px; }
        .toc a:hover { background: var(--accent-wash); }
        @media (min-width: 70rem) {
          .layout { grid-template-columns: 15rem minmax(0, 1fr); gap: 2.5rem; }
          .toc { position: sticky; top: 1rem; align-self: start; max-height: calc(100vh - 2rem); overflow-y: auto; margin-top: 2rem; }
        }
        .page-head { border-bottom: 1px solid var(--line); padding-bottom: 1rem; margin-bottom: 1.5rem; }
        .summary { font-size: 1.2rem; color: var(--muted); }
        .version-note blockquote, .weights-note blockquote { margin: 0.8rem 0 0; font-size: 0.9rem; }
        .params { display: flex; flex-wrap: wrap; gap: 0.4rem; margin: 0.8rem 0 0; padding: 0; font-size: 0.85rem; }
        .params div { display: flex; border: 1px solid var(--line); border-radius: 999px; overflow: hidden; }
        .params dt { background: var(--wash); color: var(--muted); padding: 0.1rem 0.5rem; }
        .params dd { margin: 0; padding: 0.1rem 0.6rem; font-family: var(--mono); }
        .step { border-top: 1px solid var(--line); padding-top: 0.5rem; margin-top: 2.5rem; }
        .step-head h2 { margin-top: 0.2rem; }
        .kicker { margin: 0.8rem 0 0; color: var(--muted); font-size: 0.9rem; letter-spacing: 0.02em; }
        .cell { margin: 1rem 0; }
        .cell-label { margin: 0; font-size: 0.75rem; font-weight: 600; letter-spacing: 0.08em; text-transform: uppercase; color: var(--muted); }
        pre { background: var(--wash); border: 1px solid var(--line); border-radius: 8px; padding: 0.8rem 1rem; line-height: 1.45; }
        .code { background: #0f1b2a; color: #f3f6f9; border: none; padding: 0.9rem 1.1rem; font-size: 1.05rem; line-height: 1.5; white-space: pre-wrap; overflow-wrap: anywhere; }
        .code code { font-size: 1em; }
        .code .kw { color: #ffa7c4; font-weight: 600; }
        .code .st { color: #b5f0a6; }
        .code .cm { color: #aab6c3; font-style: italic; }
        .code .nu { color: #ffd58a; }
        .code .fn { color: #8fd0ff; }
        .code .bi { color: #d8b8ff; }
        .output { border-left: 4px solid var(--accent); background: var(--accent-wash); padding: 0.8rem 1rem 0.1rem; border-radius: 0 8px 8px 0; margin-bottom: 1.2rem; }
        .output code { background: var(--paper); }
        .table-scroll { overflow-x: auto; margin: 0 0 1rem; }
        table { border-collapse: collapse; font-size: 0.92rem; background: var(--paper); font-variant-numeric: tabular-nums; }
        .table-scroll table { margin: 0; }
        th, td { border: 1px solid var(--line); padding: 0.3rem 0.6rem; vertical-align: top; }
        th { background: var(--wash); text-align: left; }
        td code, th code { white-space: normal; }
        blockquote { margin: 0 0 1rem; padding: 0.2rem 1rem; border-left: 4px solid var(--line); color: var(--muted); }
        .diagram { margin: 1.2rem 0 1.5rem; }
        .diagram svg { display: block; width: 100%; height: auto; max-width: 100%; }
        figcaption { font-size: 0.85rem; color: var(--muted); margin-top: 0.3rem; }
        .diagram.unchanged svg { max-width: 40rem; }
        svg.pipeline { font-family: var(--sans); }
        svg.pipeline .band-bg { fill: #fafbfc; stroke: var(--line); }
        svg.pipeline .band-title { font-size: 14px; font-weight: 600; fill: var(--muted); text-anchor: end; }
        svg.pipeline .box rect { fill: var(--paper); stroke: #8894a0; stroke-width: 1.2; }
        svg.pipeline .box.body rect { fill: var(--body-wash); stroke: var(--body); }
        svg.pipeline .box.head rect { fill: var(--head-wash); stroke: var(--head); }
        svg.pipeline .box.io rect { fill: var(--wash); stroke: #5d6975; stroke-dasharray: 4 3; }
        svg.pipeline .box.new rect { fill: var(--new-wash); stroke: var(--new); stroke-width: 3; stroke-dasharray: none; }
        svg.pipeline text { text-anchor: middle; fill: var(--ink); }
        svg.pipeline .main { font-size: 14.5px; font-weight: 700; }
        svg.pipeline .sub { font-size: 12.5px; fill: var(--muted); }
        svg.pipeline .shape { font-size: 14px; font-family: var(--mono); }
        svg.pipeline .box.new .shape { font-weight: 700; fill: var(--new); }
        svg.pipeline .edge { fill: none; stroke: #5d6975; stroke-width: 1.5; }
        svg.pipeline .arrowhead { fill: #5d6975; }
        .step-nav { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.5rem; margin: 1.5rem 0 0; font-size: 0.95rem; }
        .step-nav a { padding: 0.3rem 0.6rem; border: 1px solid var(--line); border-radius: 6px; text-decoration: none; }
        .step-nav a:hover { background: var(--accent-wash); }
        .step-nav .next { margin-left: auto; }
        .page-foot { max-width: 76rem; margin: 3rem auto 0; padding: 1rem 1.5rem 2rem; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.85rem; }
        .lessons { list-style: none; padding: 0; }
        .lesson-card { border: 1px solid var(--line); border-radius: 10px; padding: 0.4rem 1.3rem 1.1rem; margin: 0 0 1.3rem; }
        .lesson-card h2 { margin-top: 0.6rem; }
        .formats { font-size: 0.95rem; }
        .index main, .index .page-foot { margin: 0 auto; padding: 0 1.5rem; }
        .index .page-foot { max-width: 50rem; margin-top: 3rem; padding-bottom: 2rem; }
        @media (max-width: 40rem) { html { font-size: 100%; } .code { font-size: 0.95rem; } }
        @media print {
          html { font-size: 11pt; }
          .crumbs, .toc, .step-nav, .skip { display: none; }
          .layout { display: block; padding: 0; max-width: none; }
          main { max-width: none; }
          a { color: inherit; text-decoration: none; }
          .step { break-before: auto; }
          .cell, .output, .diagram, table, pre { break-inside: avoid; }
          h2, h3 { break-after: avoid; }
          .code { background: #f4f6f8; color: #111; border: 1px solid #ccc; }
          .code .kw { color: #7a1f55; } .code .st { color: #1d6b12; } .code .cm { color: #555; }
          .code .nu { color: #8a4b00; } .code .fn { color: #0a4d8c; } .code .bi { color: #5b2e99; }
          pre, pre code { white-space: pre-wrap; overflow: visible; }
          .table-scroll { overflow: visible; }
        }

        .picture-figure { margin: 1.2rem 0 1.5rem; }
        .picture-figure img { image-rendering: pixelated; max-width: 100%; height: auto; }
        figure figcaption { color: var(--muted); font-size: 0.9rem; }
        \(ChartStylesheet.css)

        """
}
