namespace Iot.Cloud.Storage;

/// <summary>The rules every key obeys, whichever store holds it: relative, '/'-separated, no empty or dot segments.</summary>
public static class AudioKeys
{
    /// <summary>
    /// Throws unless <paramref name="key"/> is a plain relative key. Keys come from database rows other processes
    /// wrote; one that climbs out of the store (<c>../</c>) or is absolute must not reach the filesystem.
    /// </summary>
    public static string Require(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key[0] == '/' || key.Contains('\\', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"audio key '{key}' must be relative and use '/'", nameof(key));
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                throw new ArgumentException($"audio key '{key}' has an empty, '.' or '..' segment", nameof(key));
            }
        }

        return key;
    }

    /// <summary>A prefix for listing: empty, or the start of a key (same rules, but it may end with '/').</summary>
    public static string RequirePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
        {
            return prefix;
        }

        Require(prefix.EndsWith('/') ? prefix[..^1] : prefix);
        return prefix;
    }
}
