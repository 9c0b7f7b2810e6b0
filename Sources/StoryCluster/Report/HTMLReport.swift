extension RunReport {
    /// One self-contained HTML page (inline CSS and JS, no network) with the run's JSON embedded.
    public func html() -> String {
        // `</` inside a script element would end it early; `<\/` is the same JSON string.
        let data = String(decoding: json(), as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
        return HTMLTemplate.page.replacingOccurrences(of: "/*STORYCLUSTER_DATA*/", with: data)
    }
}
