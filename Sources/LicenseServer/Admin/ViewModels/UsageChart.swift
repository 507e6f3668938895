import Foundation
import LicenseCore

/// A service's last months as an SVG bar chart, drawn on the server by the `usage-chart` template: one bar per month
/// (the part over the allowance highlighted), the allowance as a stepped dashed line, the running month outlined.
///
/// This computes the geometry and the words; the template writes the SVG, with presentation attributes and classes
/// only (no inline style), so it passes the pages' CSP, and escapes every text.
struct UsageChart {
    struct Point {
        var month: Month
        var usage: Int64
        var allowance: Int64
    }

    /// A horizontal grid line at `y`, labelled with its value on the axis.
    struct GridLine {
        var y: String
        var label: String
    }

    struct Rect {
        var x: String
        var y: String
        var width: String
        var height: String
    }

    /// A month's slot: its bar (the part within the allowance), the part over it, the running month's outline, and
    /// the month's name under it.
    struct Column {
        var isRunning: Bool
        /// What the month's tooltip says: usage, allowance and overage.
        var label: String
        var bar: Rect?
        var overage: Rect?
        var outline: Rect?
        var centerX: String
        var name: String
    }

    static let width = 640.0
    static let height = 240.0
    static let left = 64.0
    static let right = 12.0
    static let top = 16.0
    static let bottom = 30.0

    var id: String
    var titleID: String
    var descID: String
    var title: String
    var description: String
    var viewBoxWidth = Int(Self.width)
    var viewBoxHeight = Int(Self.height)
    var plotLeft = Self.format(Self.left)
    var plotRight = Self.format(Self.width - Self.right)
    var axisLabelX = Self.format(Self.left - 8)
    var baselineY = Self.format(Self.height - Self.bottom)
    var monthLabelY = Self.format(Self.height - 10)
    var gridLines: [GridLine]
    var columns: [Column]
    /// The allowance as a step line across each month's slot; nil without months.
    var allowancePath: String?

    init(id: String, title: String, unit: String, points: [Point], runningMonth: Month) {
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        let highest = points.map { max($0.usage, $0.allowance) }.max() ?? 0
        let scaleMax = Self.scaleMax(highest: Double(highest), unit: unit)
        func y(_ value: Int64) -> Double { Self.top + plotHeight - Double(value) / scaleMax * plotHeight }
        let slot = plotWidth / Double(max(points.count, 1))
        let barWidth = (slot * 0.62).rounded()

        self.id = id
        titleID = "\(id)-title"
        descID = "\(id)-desc"
        self.title = title
        let over = points.filter { $0.usage > $0.allowance }.count
        description =
            "Monthly usage of \(title) for the last \(points.count) months, with the allowance as a dashed line."
            + (over == 0
                ? " No month is over its allowance." : " \(over) month\(over == 1 ? " is" : "s are") over the allowance.")

        gridLines = (0...4).map { step in
            GridLine(
                y: Self.format(Self.top + plotHeight - plotHeight * Double(step) / 4),
                label: Self.axisLabel(scaleMax * Double(step) / 4, unit: unit))
        }

        columns = points.enumerated().map { index, point in
            let x = Self.left + slot * Double(index) + (slot - barWidth) / 2
            let within = min(point.usage, point.allowance)
            let overage = max(0, point.usage - point.allowance)
            let base = Self.top + plotHeight
            var column = Column(
                isRunning: point.month == runningMonth,
                label:
                    "\(AdminFormat.month(point.month)): \(AdminFormat.quantity(point.usage, unit: unit)), allowance \(AdminFormat.quantity(point.allowance, unit: unit))"
                    + (overage > 0 ? ", over by \(AdminFormat.quantity(overage, unit: unit))" : ""),
                centerX: Self.format(Self.left + slot * Double(index) + slot / 2),
                name: AdminFormat.monthNames[point.month.month - 1])
            if within > 0 {
                column.bar = Rect(x: x, y: y(within), width: barWidth, height: base - y(within))
            }
            if overage > 0 {
                column.overage = Rect(x: x, y: y(point.usage), width: barWidth, height: y(within) - y(point.usage))
            }
            if column.isRunning {
                let top = min(y(max(point.usage, 0)), base - 2)
                column.outline = Rect(x: x - 2, y: top - 2, width: barWidth + 4, height: base - top + 2)
            }
            return column
        }

        var path = ""
        for (index, point) in points.enumerated() {
            let x0 = Self.left + slot * Double(index)
            let ay = Self.format(y(point.allowance))
            path += index == 0 ? "M\(Self.format(x0)) \(ay)" : " L\(Self.format(x0)) \(ay)"
            path += " L\(Self.format(x0 + slot)) \(ay)"
        }
        allowancePath = path.isEmpty ? nil : path
    }

    /// The top of the axis: four equal steps of 1, 2, 2.5 or 5 times a power of ten (whole units: GiB for bytes),
    /// with room above the highest value.
    static func scaleMax(highest: Double, unit: String) -> Double {
        let unitSize = unit == "bytes" ? Double(1 << 30) : 1
        return niceStep(highest * 1.1 / unitSize / 4) * 4 * unitSize
    }

    static func niceStep(_ raw: Double) -> Double {
        guard raw > 1 else { return 1 }
        let magnitude = pow(10, floor(log10(raw)))
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * magnitude >= raw {
            if factor == 2.5 && magnitude < 10 { continue }
            return factor * magnitude
        }
        return 10 * magnitude
    }

    static func axisLabel(_ value: Double, unit: String) -> String {
        if unit == "bytes" {
            let gib = value / Double(1 << 30)
            return gib >= 10 || gib == gib.rounded() ? "\(Int(gib.rounded())) GiB" : String(format: "%.1f GiB", gib)
        }
        if value >= 1_000_000 { return trim(value / 1_000_000) + "M" }
        if value >= 1_000 { return trim(value / 1_000) + "k" }
        return trim(value)
    }

    private static func trim(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }
}

extension UsageChart.Rect {
    init(x: Double, y: Double, width: Double, height: Double) {
        self.init(
            x: UsageChart.format(x), y: UsageChart.format(y), width: UsageChart.format(width), height: UsageChart.format(height))
    }
}
