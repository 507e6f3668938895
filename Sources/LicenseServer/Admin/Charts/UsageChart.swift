import Foundation
import LicenseCore

/// A service's last months as an SVG bar chart, drawn on the server: one bar per month (the part over the allowance
/// highlighted), the allowance as a stepped dashed line, the running month outlined.
///
/// The SVG uses presentation attributes and classes only (no inline style), so it passes the pages' CSP; every text
/// it contains is escaped here.
struct UsageChart {
    struct Point {
        var month: Month
        var usage: Int64
        var allowance: Int64
    }

    var id: String
    var title: String
    var unit: String
    var points: [Point]
    var runningMonth: Month

    static let width = 640.0
    static let height = 240.0
    static let left = 64.0
    static let right = 12.0
    static let top = 16.0
    static let bottom = 30.0

    var svg: String {
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        let highest = points.map { max($0.usage, $0.allowance) }.max() ?? 0
        let scaleMax = Self.scaleMax(highest: Double(highest), unit: unit)
        func y(_ value: Int64) -> Double { Self.top + plotHeight - Double(value) / scaleMax * plotHeight }
        let slot = plotWidth / Double(max(points.count, 1))
        let barWidth = (slot * 0.62).rounded()

        var parts: [String] = []
        let titleID = "\(id)-title"
        let descID = "\(id)-desc"
        let over = points.filter { $0.usage > $0.allowance }.count
        let description =
            "Monthly usage of \(title) for the last \(points.count) months, with the allowance as a dashed line."
            + (over == 0
                ? " No month is over its allowance." : " \(over) month\(over == 1 ? " is" : "s are") over the allowance.")
        parts.append(
            "<svg class=\"usage-chart\" id=\"\(id)\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\" role=\"img\" aria-labelledby=\"\(titleID) \(descID)\" preserveAspectRatio=\"xMidYMid meet\">"
        )
        parts.append("<title id=\"\(titleID)\">\(Self.escape(title)): usage per month</title>")
        parts.append("<desc id=\"\(descID)\">\(Self.escape(description))</desc>")

        // Grid and axis labels.
        for step in 0...4 {
            let value = scaleMax * Double(step) / 4
            let gy = Self.format(Self.top + plotHeight - plotHeight * Double(step) / 4)
            parts.append(
                "<line class=\"grid\" x1=\"\(Self.format(Self.left))\" y1=\"\(gy)\" x2=\"\(Self.format(Self.width - Self.right))\" y2=\"\(gy)\" stroke=\"#d8dde6\" stroke-width=\"1\"/>"
            )
            parts.append(
                "<text class=\"axis\" x=\"\(Self.format(Self.left - 8))\" y=\"\(gy)\" text-anchor=\"end\" dominant-baseline=\"middle\" font-size=\"12\" fill=\"#4a5568\">\(Self.escape(Self.axisLabel(value, unit: unit)))</text>"
            )
        }

        // Bars.
        for (index, point) in points.enumerated() {
            let x = Self.left + slot * Double(index) + (slot - barWidth) / 2
            let within = min(point.usage, point.allowance)
            let overage = max(0, point.usage - point.allowance)
            let label =
                "\(AdminFormat.month(point.month)): \(AdminFormat.quantity(point.usage, unit: unit)), allowance \(AdminFormat.quantity(point.allowance, unit: unit))"
                + (overage > 0 ? ", over by \(AdminFormat.quantity(overage, unit: unit))" : "")
            parts.append(
                "<g class=\"month\(point.month == runningMonth ? " running" : "")\"><title>\(Self.escape(label))</title>")
            if within > 0 {
                let top = y(within)
                parts.append(
                    "<rect class=\"bar\" x=\"\(Self.format(x))\" y=\"\(Self.format(top))\" width=\"\(Self.format(barWidth))\" height=\"\(Self.format(Self.top + plotHeight - top))\" fill=\"#3b73b9\"/>"
                )
            }
            if overage > 0 {
                let top = y(point.usage)
                let base = y(within)
                parts.append(
                    "<rect class=\"bar-over\" x=\"\(Self.format(x))\" y=\"\(Self.format(top))\" width=\"\(Self.format(barWidth))\" height=\"\(Self.format(base - top))\" fill=\"#c62828\"/>"
                )
            }
            if point.month == runningMonth {
                let top = y(max(point.usage, 0))
                parts.append(
                    "<rect class=\"running-outline\" x=\"\(Self.format(x - 2))\" y=\"\(Self.format(min(top, Self.top + plotHeight - 2) - 2))\" width=\"\(Self.format(barWidth + 4))\" height=\"\(Self.format(Self.top + plotHeight - min(top, Self.top + plotHeight - 2) + 2))\" fill=\"none\" stroke=\"#1f2a44\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"/>"
                )
            }
            parts.append(
                "<text class=\"axis\" x=\"\(Self.format(Self.left + slot * Double(index) + slot / 2))\" y=\"\(Self.format(Self.height - 10))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#4a5568\">\(AdminFormat.monthNames[point.month.month - 1])</text>"
            )
            parts.append("</g>")
        }

        // The allowance: a step line across each month's slot.
        var path = ""
        for (index, point) in points.enumerated() {
            let x0 = Self.left + slot * Double(index)
            let ay = Self.format(y(point.allowance))
            path += index == 0 ? "M\(Self.format(x0)) \(ay)" : " L\(Self.format(x0)) \(ay)"
            path += " L\(Self.format(x0 + slot)) \(ay)"
        }
        if !path.isEmpty {
            parts.append(
                "<path class=\"allowance-line\" d=\"\(path)\" fill=\"none\" stroke=\"#e08e0b\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\"/>"
            )
        }
        parts.append(
            "<line class=\"baseline\" x1=\"\(Self.format(Self.left))\" y1=\"\(Self.format(Self.top + plotHeight))\" x2=\"\(Self.format(Self.width - Self.right))\" y2=\"\(Self.format(Self.top + plotHeight))\" stroke=\"#4a5568\" stroke-width=\"1\"/>"
        )
        parts.append("</svg>")
        return parts.joined(separator: "\n")
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

    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
