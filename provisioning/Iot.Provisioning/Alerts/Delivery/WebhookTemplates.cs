using System.Text.Json;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;

namespace Iot.Provisioning.Alerts.Delivery;

/// <summary>
/// Request bodies per <c>alert_channels.template</c>. generic = the <see cref="AlertEvent"/> JSON (what our own tools
/// and custom receivers parse); the others fit the chat products' incoming hooks with one text field each:
/// slack <c>{"text"}</c>, teams a MessageCard (<c>{"@type","summary","title","text","themeColor"}</c>, what Teams'
/// connector incoming webhooks take; a Workflows-based hook reads the same fields in its own flow), bitrix <c>{"MESSAGE"}</c> for Bitrix24's
/// <c>im.notify.system.add</c> / <c>im.message.add</c> REST hooks (the recipient, USER_ID or DIALOG_ID, goes in the
/// hook URL's query string).
/// </summary>
public static class WebhookTemplates
{
    public const string Generic = "generic";
    public const string Slack = "slack";
    public const string Teams = "teams";
    public const string Bitrix = "bitrix";

    public static byte[] Render(string? template, AlertEvent e) => template switch
    {
        Slack => Object(w => w.WriteString("text", "*" + AlertText.Subject(e) + "*\n" + string.Join('\n', AlertText.Details(e)))),
        Teams => Object(w =>
        {
            w.WriteString("@type", "MessageCard");
            w.WriteString("@context", "https://schema.org/extensions");
            w.WriteString("summary", AlertText.Subject(e));
            w.WriteString("title", AlertText.Subject(e));
            w.WriteString("themeColor", e.Event == "resolved" ? "2EB886" : e.Severity == AlertRuleCatalog.Critical ? "D70000" : "F2C744");
            // MessageCard text is Markdown: two spaces before a newline make a line break.
            w.WriteString("text", string.Join("  \n", AlertText.Details(e)));
        }),
        Bitrix => Object(w => w.WriteString("MESSAGE", "[B]" + AlertText.Subject(e) + "[/B]\n" + string.Join('\n', AlertText.Details(e)))),
        _ => ProtocolJson.Serialize(e),
    };

    private static byte[] Object(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
