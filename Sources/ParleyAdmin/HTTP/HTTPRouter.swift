// HTTPRouter — method + path routing with `{name}` segments (`/v1/calls/{id}/hangup`).
// Literal segments match exactly; `{name}` matches one percent-decoded segment.
// No match: 404; path matches but method does not: 405 with `Allow`.

public typealias HTTPHandler = @Sendable (HTTPRequest) async -> HTTPResponse
public typealias HTTPRouteHandler = @Sendable (HTTPRequest, HTTPRouter.Parameters) async -> HTTPResponse

public struct HTTPRouter: Sendable {
    public struct Parameters: Sendable, Equatable {
        public var values: [String: String]
        public subscript(_ name: String) -> String? { values[name] }
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    struct Route: Sendable {
        let method: String
        let segments: [Segment]
        let handler: HTTPRouteHandler
    }

    private var routes: [Route] = []

    public init() {}

    /// Adds a route; earlier routes win when two match.
    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping HTTPRouteHandler) {
        let segments = pattern.split(separator: "/").map { part -> Segment in
            if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
        routes.append(Route(method: method.uppercased(), segments: segments, handler: handler))
    }

    /// The handler and parameters for a request, or the status to answer with (404/405/400).
    public func match(_ request: HTTPRequest) -> (HTTPRouteHandler, Parameters)? {
        guard let path = request.pathSegments else { return nil }
        let method = request.method == "HEAD" ? "GET" : request.method
        for route in routes where route.method == method {
            if let parameters = Self.match(route.segments, path) { return (route.handler, parameters) }
        }
        return nil
    }

    /// Methods with a route matching this path (for 405 and `Allow`).
    public func allowedMethods(for request: HTTPRequest) -> [String] {
        guard let path = request.pathSegments else { return [] }
        var methods: [String] = []
        for route in routes where Self.match(route.segments, path) != nil && !methods.contains(route.method) {
            methods.append(route.method)
        }
        return methods
    }

    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard request.pathSegments != nil else {
            return .error(status: 400, code: "bad_path", message: "invalid percent-encoding in path")
        }
        if let (handler, parameters) = match(request) { return await handler(request, parameters) }
        let allowed = allowedMethods(for: request)
        if allowed.isEmpty { return .error(status: 404, code: "not_found", message: "no such endpoint") }
        var response = HTTPResponse.error(status: 405, code: "method_not_allowed", message: "method not allowed here")
        response.headers.append(HTTPHeader(name: "Allow", value: allowed.joined(separator: ", ")))
        return response
    }

    static func match(_ segments: [Segment], _ path: [String]) -> Parameters? {
        guard segments.count == path.count else { return nil }
        var values: [String: String] = [:]
        for (segment, part) in zip(segments, path) {
            switch segment {
            case .literal(let text): if text != part { return nil }
            case .parameter(let name): values[name] = part
            }
        }
        return Parameters(values: values)
    }
}
