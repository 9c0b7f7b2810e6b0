extension RunReport {
    /// One self-contained HTML page (inline CSS and JS, no network) with the run's JSON embedded.
    public func html() -> String {
        // Inside a script element `</script>` or `<!--` in a brief would end or derail it; `<` only occurs inside
        // JSON strings, where `\u003c` is the same character.
        let data = String(decoding: json(), as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
        return HTMLTemplate.page.replacingOccurrences(of: "/*STORYCLUSTER_DATA*/", with: data)
    }
}
