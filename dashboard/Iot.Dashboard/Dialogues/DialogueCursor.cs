using System.Globalization;
using System.Text;

namespace Iot.Dashboard.Dialogues;

/// <summary>Keyset position: the last row's sort key and id, opaque to clients (base64url of "sort|key|id").</summary>
public sealed record DialogueCursor(string Sort, long Key, Guid Id)
{
    public string Encode() =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Sort}|{Key}|{Id:n}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static DialogueCursor? TryParse(string value)
    {
        if (value.Length > 200)
        {
            return null;
        }

        try
        {
            var b64 = value.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('|');
            return parts.Length == 3 && DialogueSort.Find(parts[0]) is not null
                && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key)
                && Guid.TryParseExact(parts[2], "n", out var id)
                ? new DialogueCursor(parts[0], key, id)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
