using Microsoft.Win32.SafeHandles;

namespace Iot.Edge.Capture.Alsa.Interop;

// One owner per libasound object, so a handle is released exactly once even if a read is still inside libasound
// when the source is disposed (the marshaller holds a reference for the duration of each call).

internal sealed class SafePcmHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        // Close frees the handle even when it reports an error (a vanished USB device does).
        LibAsound.snd_pcm_close(handle);
        return true;
    }
}

internal sealed class SafeCtlHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        LibAsound.snd_ctl_close(handle);
        return true;
    }
}

internal sealed class SafeHwParamsHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        LibAsound.snd_pcm_hw_params_free(handle);
        return true;
    }
}

internal sealed class SafeCardInfoHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        LibAsound.snd_ctl_card_info_free(handle);
        return true;
    }
}

internal sealed class SafePcmInfoHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        LibAsound.snd_pcm_info_free(handle);
        return true;
    }
}

internal sealed class SafeConfigHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        LibAsound.snd_config_unref(handle);
        return true;
    }
}
