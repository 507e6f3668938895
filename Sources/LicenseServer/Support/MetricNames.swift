import Prometheus

/// The metrics this server exports, with their help texts.
enum MetricNames {
    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "licensing", metricName: "http_requests", unitName: "total",
            helpText: "HTTP requests by route, method and status")
    }
    static var requestDuration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "licensing", metricName: "http_request_duration", unitName: "seconds",
            helpText: "HTTP request latency by route and method")
    }
    static var checks: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "licensing", metricName: "checks", unitName: "total", helpText: "License checks by result")
    }
    static var seatsInUse: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "licensing", metricName: "seats_in_use", unitName: "", helpText: "Seats in use per module")
    }
    static var seatsTotal: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "licensing", metricName: "seats_purchased", unitName: "", helpText: "Seats purchased per module")
    }
    static var snapshotUpdates: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "licensing", metricName: "snapshot_updates", unitName: "total",
            helpText:
                "Tenant snapshots brought up to date, by way: load (the whole tenant read), change_log (other processes' change sets), write (this process's own)"
        )
    }
    static var adminSignIns: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "licensing", metricName: "admin_sign_ins", unitName: "total",
            helpText: "Sign-ins to the admin pages by result (wrong-password: passwords evaluated and refused)")
    }
}
