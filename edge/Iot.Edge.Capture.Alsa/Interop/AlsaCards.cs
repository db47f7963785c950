namespace Iot.Edge.Capture.Alsa.Interop;

/// <summary>Walks sound cards the way <c>arecord -l</c> does: each card's control device, then its PCM devices that have a capture substream.</summary>
internal static class AlsaCards
{
    /// <param name="skipped">Called with the card index and the failure for a card that could not be inspected.</param>
    public static List<AlsaCaptureEndpoint> ListCaptureEndpoints(Action<int, string> skipped)
    {
        var endpoints = new List<AlsaCaptureEndpoint>();
        var card = -1;
        while (LibAsound.snd_card_next(ref card) >= 0 && card >= 0)
        {
            try
            {
                AddCard(card, endpoints);
            }
            catch (AlsaException ex)
            {
                // A card can vanish between snd_card_next and opening it, or be unreadable for this user.
                skipped(card, ex.Message);
            }
        }

        return endpoints;
    }

    private static unsafe void AddCard(int card, List<AlsaCaptureEndpoint> endpoints)
    {
        var ctlName = $"hw:{card}";
        var error = LibAsound.snd_ctl_open(out var ctl, ctlName, 0);
        using (ctl)
        {
            Check(error, ctlName, "opening the control device");
            error = LibAsound.snd_ctl_card_info_malloc(out var cardInfo);
            using (cardInfo)
            {
                Check(error, ctlName, "allocating card info");
                Check(LibAsound.snd_ctl_card_info(ctl, cardInfo), ctlName, "reading card info");
                var id = AlsaErrno.Text(LibAsound.snd_ctl_card_info_get_id(cardInfo));
                var name = AlsaErrno.Text(LibAsound.snd_ctl_card_info_get_name(cardInfo));
                var longName = AlsaErrno.Text(LibAsound.snd_ctl_card_info_get_longname(cardInfo));
                var driver = AlsaErrno.Text(LibAsound.snd_ctl_card_info_get_driver(cardInfo));

                error = LibAsound.snd_pcm_info_malloc(out var pcmInfo);
                using (pcmInfo)
                {
                    Check(error, ctlName, "allocating PCM info");
                    var device = -1;
                    while (true)
                    {
                        Check(LibAsound.snd_ctl_pcm_next_device(ctl, ref device), ctlName, "listing PCM devices");
                        if (device < 0)
                        {
                            break;
                        }

                        LibAsound.snd_pcm_info_set_device(pcmInfo, (uint)device);
                        LibAsound.snd_pcm_info_set_subdevice(pcmInfo, 0);
                        LibAsound.snd_pcm_info_set_stream(pcmInfo, LibAsound.StreamCapture);
                        error = LibAsound.snd_ctl_pcm_info(ctl, pcmInfo);
                        if (error == -AlsaErrno.ENOENT)
                        {
                            continue; // playback only
                        }

                        Check(error, ctlName, $"reading PCM device {device}");
                        var deviceName = AlsaErrno.Text(LibAsound.snd_pcm_info_get_name(pcmInfo));
                        endpoints.Add(new AlsaCaptureEndpoint(card, id, name, longName, driver, device, deviceName));
                    }
                }
            }
        }
    }

    private static void Check(int error, string ctlName, string operation)
    {
        if (error < 0)
        {
            throw AlsaErrno.Fail("ALSA card", ctlName, operation, error);
        }
    }
}
