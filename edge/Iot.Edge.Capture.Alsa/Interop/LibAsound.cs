using System.Runtime.InteropServices;

namespace Iot.Edge.Capture.Alsa.Interop;

/// <summary>
/// The libasound entry points the capture path needs, declared from alsa/pcm.h, control.h and conf.h.
/// Functions returning <c>const char*</c> return <c>byte*</c>: the strings belong to libasound and must not be freed
/// by a marshaller. Frame counts are <c>snd_pcm_(s|u)frames_t</c> = C long, hence nint/nuint (32-bit Pi OS too).
/// </summary>
internal static unsafe partial class LibAsound
{
    private const string Lib = "libasound.so.2";

    internal const int StreamCapture = 1;
    internal const int ModeNonBlocking = 1;
    internal const int AccessRwInterleaved = 3;
    internal const int FormatS16Le = 2;

    [LibraryImport(Lib)]
    internal static partial byte* snd_strerror(int errnum);

    // PCM

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int snd_pcm_open(out SafePcmHandle pcm, string name, int stream, int mode);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_close(nint pcm);

    [LibraryImport(Lib)]
    internal static partial nint snd_pcm_readi(SafePcmHandle pcm, ref short buffer, nuint frames);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_wait(SafePcmHandle pcm, int timeoutMs);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_recover(SafePcmHandle pcm, int err, int silent);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_prepare(SafePcmHandle pcm);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_drop(SafePcmHandle pcm);

    // Hardware parameters

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_hw_params_malloc(out SafeHwParamsHandle parameters);

    [LibraryImport(Lib)]
    internal static partial void snd_pcm_hw_params_free(nint parameters);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_hw_params_any(SafePcmHandle pcm, SafeHwParamsHandle parameters);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_hw_params_set_access(SafePcmHandle pcm, SafeHwParamsHandle parameters, int access);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_hw_params_set_format(SafePcmHandle pcm, SafeHwParamsHandle parameters, int format);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_hw_params_set_channels(SafePcmHandle pcm, SafeHwParamsHandle parameters, uint channels);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_hw_params_set_rate_resample(SafePcmHandle pcm, SafeHwParamsHandle parameters, uint enable);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_hw_params_set_rate(SafePcmHandle pcm, SafeHwParamsHandle parameters, uint rate, int dir);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_hw_params_set_period_size_near(SafePcmHandle pcm, SafeHwParamsHandle parameters, ref nuint frames, ref int dir);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_hw_params_set_buffer_size_near(SafePcmHandle pcm, SafeHwParamsHandle parameters, ref nuint frames);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_hw_params(SafePcmHandle pcm, SafeHwParamsHandle parameters);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_hw_params_get_period_size(SafeHwParamsHandle parameters, out nuint frames, out int dir);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_hw_params_get_buffer_size(SafeHwParamsHandle parameters, out nuint frames);

    // Cards and their control interface

    [LibraryImport(Lib)]
    internal static partial int snd_card_next(ref int card);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int snd_ctl_open(out SafeCtlHandle ctl, string name, int mode);

    [LibraryImport(Lib)]
    internal static partial int snd_ctl_close(nint ctl);

    [LibraryImport(Lib)]
    internal static partial int snd_ctl_card_info_malloc(out SafeCardInfoHandle info);

    [LibraryImport(Lib)]
    internal static partial void snd_ctl_card_info_free(nint info);

    [LibraryImport(Lib)]
    internal static partial int snd_ctl_card_info(SafeCtlHandle ctl, SafeCardInfoHandle info);

    [LibraryImport(Lib)]
    internal static partial byte* snd_ctl_card_info_get_id(SafeCardInfoHandle info);

    [LibraryImport(Lib)]
    internal static partial byte* snd_ctl_card_info_get_driver(SafeCardInfoHandle info);

    [LibraryImport(Lib)]
    internal static partial byte* snd_ctl_card_info_get_name(SafeCardInfoHandle info);

    [LibraryImport(Lib)]
    internal static partial byte* snd_ctl_card_info_get_longname(SafeCardInfoHandle info);

    [LibraryImport(Lib)]
    internal static partial int snd_ctl_pcm_next_device(SafeCtlHandle ctl, ref int device);

    [LibraryImport(Lib)]
    internal static partial int snd_pcm_info_malloc(out SafePcmInfoHandle info);

    [LibraryImport(Lib)]
    internal static partial void snd_pcm_info_free(nint info);

    [LibraryImport(Lib)]
    internal static partial void snd_pcm_info_set_device(SafePcmInfoHandle info, uint device);

    [LibraryImport(Lib)]
    internal static partial void snd_pcm_info_set_subdevice(SafePcmInfoHandle info, uint subdevice);

    [LibraryImport(Lib)]
    internal static partial void snd_pcm_info_set_stream(SafePcmInfoHandle info, int stream);

    [LibraryImport(Lib)]
    internal static partial int snd_ctl_pcm_info(SafeCtlHandle ctl, SafePcmInfoHandle info);

    [LibraryImport(Lib)]
    internal static partial byte* snd_pcm_info_get_name(SafePcmInfoHandle info);

    // Configuration tree (to tell a PCM name from a card id)

    [LibraryImport(Lib)]
    internal static partial int snd_config_update_ref(out SafeConfigHandle top);

    [LibraryImport(Lib)]
    internal static partial int snd_config_unref(nint top);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int snd_config_search(SafeConfigHandle config, string key, out nint result);
}
