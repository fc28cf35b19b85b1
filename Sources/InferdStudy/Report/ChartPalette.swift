/// Colours for chart series: a qualitative palette (Okabe–Ito, readable by colour-blind people),
/// repeated when there are more series than colours.
public enum ChartPalette {
    /// The colours in order, as CSS hex.
    public static let colours = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    /// The colour of series number `index`.
    public static func colour(_ index: Int) -> String { colours[((index % colours.count) + colours.count) % colours.count] }
}
