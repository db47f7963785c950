namespace Iot.Edge.Capture.Alsa.Interop;

/// <summary>Questions to the ALSA configuration (alsa.conf, /etc/asound.conf, ~/.asoundrc or ALSA_CONFIG_PATH).</summary>
internal static class AlsaConfig
{
    /// <summary>
    /// Whether <paramref name="pcmName"/> names a PCM the configuration defines: <c>default</c>, an asoundrc entry, or
    /// <c>plughw:…</c> (the part before ':' is what is defined). A card id such as <c>Device</c> is not one.
    /// </summary>
    public static bool IsPcmDefined(string pcmName)
    {
        var colon = pcmName.IndexOf(':', StringComparison.Ordinal);
        var baseName = colon < 0 ? pcmName : pcmName[..colon];
        if (baseName.Length == 0 || baseName.Contains('.', StringComparison.Ordinal))
        {
            return false;
        }

        if (LibAsound.snd_config_update_ref(out var top) < 0)
        {
            top.Dispose();
            return false;
        }

        using (top)
        {
            return LibAsound.snd_config_search(top, "pcm." + baseName, out _) >= 0;
        }
    }
}
