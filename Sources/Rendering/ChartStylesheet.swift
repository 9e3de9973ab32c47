/// The chart rules for `style.css` (pages and slides): fonts and ink from the site's variables.
///
/// `SVGChart` also writes presentation attributes, so a chart looks right without these rules
/// (in a notebook); here the site only puts its own fonts and greys on top. Series and heat map
/// colours stay the SVG's own (the count's colour was chosen for contrast with its cell).
/// Part of `SiteStylesheet.css`.
enum ChartStylesheet {
    static let css = """
        .chart-figure { margin: 1.2rem 0 1.5rem; }
        .chart-figure svg.chart { display: block; width: 100%; height: auto; max-width: 40rem; }
        svg.chart { font-family: var(--sans); font-variant-numeric: tabular-nums; }
        svg.chart .chart-title, svg.chart .axis-title, svg.chart .legend text { fill: var(--ink); }
        svg.chart .tick-label, svg.chart .no-data { fill: var(--muted); }
        svg.chart .grid { stroke: var(--line); }
        svg.chart .axis-line, svg.chart .tick { stroke: var(--muted); }
        svg.chart .count { font-family: var(--mono); }
        """
}
