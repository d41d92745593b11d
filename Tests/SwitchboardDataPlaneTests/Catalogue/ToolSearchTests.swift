import NIOCore
import SwitchboardCore
import Testing

@testable import SwitchboardDataPlane

/// `search_tools`' ranking: words from names, arguments and descriptions, rarer words first,
/// the same answer every time.
@Suite struct ToolSearchTests {
    static func tool(_ name: String, _ description: String, arguments: [String] = []) -> JSONView {
        let properties = arguments.map { #""\#($0)":{"type":"string"}"# }.joined(separator: ",")
        return try! JSONView.parse(ByteBuffer(string: #"{"name":"\#(name)","description":"\#(description)","inputSchema":{"type":"object","properties":{\#(properties)}}}"#))
    }

    static let catalogue = ToolSearch(tools: [
        tool("github__create_issue", "Open a new issue in a repository.", arguments: ["repo", "title", "body"]),
        tool("github__list_issues", "List the issues of a repository.", arguments: ["repo", "state"]),
        tool("jira__createTicket", "Create a Jira ticket for a bug or task.", arguments: ["project", "summary"]),
        tool("slack__post_message", "Post a message to a channel.", arguments: ["channel", "text"]),
        tool("fs__read_file", "Read a file from disk and return its text.", arguments: ["path"]),
    ])

    func names(_ query: String, limit: Int = 10) -> [String] {
        Self.catalogue.search(query, limit: limit).map(\.name)
    }

    @Test func wordsAreCutAtPunctuationAndCase() {
        #expect(ToolSearch.words("jira__createTicket") == ["jira", "create", "ticket"])
        #expect(ToolSearch.words("read-file v2.0, HTTPServer") == ["read", "file", "v2", "0", "httpserver"])
    }

    @Test func namesWeighMoreThanDescriptionsAndPrefixesMatch() {
        #expect(names("create issue").first == "github__create_issue")
        #expect(Set(names("create issue")) == ["github__create_issue", "github__list_issues", "jira__createTicket"])
        #expect(names("ticket").first == "jira__createTicket")
        // "mess" starts "message"; "channel" is an argument of one tool only.
        #expect(names("mess") == ["slack__post_message"])
        #expect(names("channel") == ["slack__post_message"])
        #expect(names("repository").count == 2)
        #expect(names("nothing like it").isEmpty)
        #expect(names("issue", limit: 1) == ["github__create_issue"])
    }

    @Test func onlyVisibleToolsAreFoundAndTheOrderIsStable() {
        let hidden = Self.catalogue.search("create", limit: 10) { Self.catalogue.item(at: $0).name != "github__create_issue" }
        #expect(hidden.map(\.name) == ["jira__createTicket"])
        #expect(names("repo issue") == names("issue repo"))
        #expect(names("create issue") == names("create issue"))
    }
}
