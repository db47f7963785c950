using System.Net;
using System.Net.Mail;

namespace Iot.Dashboard.Alerts;

/// <summary>
/// What a channel may hold. Webhooks: an absolute https URL (http only to a loopback host, for a receiver on the same
/// machine during development), at most 2000 characters, without user name or password in it (credentials in a URL end
/// up in logs and on screens; a receiver authenticates the sender by the signature made with the channel's secret).
/// The sender refuses private and loopback targets on its own, at send time, after resolving the name. E-mail: 1 to 20
/// plain addresses (no display names, no lists in one entry), each at most 254 characters.
/// </summary>
public static class ChannelValidator
{
    public const int MaxUrlLength = 2000;
    public const int MaxNameLength = 100;
    public const int MaxRecipients = 20;
    public const int MaxAddressLength = 254;

    /// <summary>A tenant's channels are few; a cap keeps a script from filling the table (and the sender's work).</summary>
    public const int MaxChannelsPerTenant = 50;

    public static readonly IReadOnlyList<string> Kinds = ["webhook", "email"];
    public static readonly IReadOnlyList<string> Templates = ["generic", "slack", "teams", "bitrix"];
    public static readonly IReadOnlyList<string> Severities = ["warning", "critical"];

    /// <summary>The channel as it will be stored, or the problems keyed by field. <paramref name="existingKind"/> set = a change.</summary>
    public static (AlertChannelRequest? Channel, Dictionary<string, string[]> Errors) Check(AlertChannelRequest request, string? existingKind)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var kind = existingKind ?? request.Kind;
        if (existingKind is not null && request.Kind is not null && request.Kind != existingKind)
        {
            errors["kind"] = [$"kind cannot change (this channel is a {existingKind}); delete it and add a new one"];
        }
        else if (kind is null || !Kinds.Contains(kind))
        {
            errors["kind"] = ["kind must be 'webhook' or 'email'"];
            return (null, errors);
        }

        var name = request.Name?.Trim();
        if ((existingKind is null || name is not null) && (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name.Any(char.IsControl)))
        {
            errors["name"] = [$"name must be 1..{MaxNameLength} characters without control characters"];
        }

        if (request.MinSeverity is not null && !Severities.Contains(request.MinSeverity))
        {
            errors["minSeverity"] = ["minSeverity must be 'warning' or 'critical'"];
        }

        string? url = null;
        IReadOnlyList<string>? recipients = null;
        if (kind == "webhook")
        {
            if (request.Recipients is not null)
            {
                errors["recipients"] = ["recipients are for e-mail channels; a webhook has a url"];
            }

            if (request.Template is not null && !Templates.Contains(request.Template))
            {
                errors["template"] = [$"template must be one of: {string.Join(", ", Templates)}"];
            }

            if (existingKind is null || request.Url is not null)
            {
                url = CheckUrl(request.Url, errors);
            }
        }
        else
        {
            if (request.Url is not null)
            {
                errors["url"] = ["url is for webhook channels; an e-mail channel has recipients"];
            }

            if (request.Template is not null && request.Template != "generic")
            {
                errors["template"] = ["an e-mail channel uses the generic template"];
            }

            if (existingKind is null || request.Recipients is not null)
            {
                recipients = CheckRecipients(request.Recipients, errors);
            }
        }

        return errors.Count > 0 ? (null, errors) : (request with { Kind = kind, Name = name, Url = url, Recipients = recipients }, errors);
    }

    private static string? CheckUrl(string? text, Dictionary<string, string[]> errors)
    {
        text = text?.Trim();
        string? problem = null;
        if (string.IsNullOrEmpty(text))
        {
            problem = "url is required for a webhook";
        }
        else if (text.Length > MaxUrlLength)
        {
            problem = $"url must be at most {MaxUrlLength} characters";
        }
        else if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
        {
            problem = "url must be an absolute https:// address";
        }
        else if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            problem = "url must not carry a user name or password; the receiver checks the signature made with the channel's secret";
        }
        else if (uri.Scheme == "http" && !IsLoopback(uri))
        {
            problem = "url must use https (plain http only to a loopback host, for local development)";
        }
        else if (text.Any(char.IsControl))
        {
            problem = "url must not contain control characters";
        }

        if (problem is not null)
        {
            errors["url"] = [problem];
            return null;
        }

        return text;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static List<string>? CheckRecipients(IReadOnlyList<string>? list, Dictionary<string, string[]> errors)
    {
        if (list is not { Count: > 0 } || list.Count > MaxRecipients)
        {
            errors["recipients"] = [$"recipients must list 1..{MaxRecipients} e-mail addresses"];
            return null;
        }

        var result = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            var text = list[i]?.Trim() ?? "";
            if (!IsPlainAddress(text))
            {
                errors[$"recipients[{i}]"] = [$"recipients[{i}] '{Shorten(text)}' is not a plain e-mail address (name@example.com)"];
                continue;
            }

            if (!result.Contains(text, StringComparer.OrdinalIgnoreCase))
            {
                result.Add(text);
            }
        }

        return result;
    }

    /// <summary>
    /// One address as a mail server takes it: MailAddress must parse it to exactly itself (no "Name &lt;a@b&gt;", no
    /// second address, no header-breaking characters), with a dot in the domain.
    /// </summary>
    private static bool IsPlainAddress(string text)
    {
        if (text.Length is 0 or > MaxAddressLength || text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is ',' or ';' or '<' or '>' or '"'))
        {
            return false;
        }

        if (!MailAddress.TryCreate(text, out var address) || address.Address != text || !string.IsNullOrEmpty(address.DisplayName))
        {
            return false;
        }

        var domain = address.Host;
        return domain.Contains('.', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.EndsWith('.');
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
