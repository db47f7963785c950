using System.Runtime.InteropServices;

namespace Iot.Edge.Capture.Alsa.Interop;

/// <summary>
/// One capture PCM opened non-blocking, 16-bit little-endian mono. Reads return libasound's raw result (frames, or a
/// negative errno) so the caller decides what is recoverable; set-up failures throw <see cref="AlsaException"/>.
/// </summary>
internal sealed class AlsaPcm : IDisposable
{
    private const string PlugHint = " (a plughw:CARD=...,DEV=... name converts format, channels and rate)";

    private readonly SafePcmHandle _handle;

    private AlsaPcm(SafePcmHandle handle, string name)
    {
        _handle = handle;
        Name = name;
    }

    public string Name { get; }

    public int PeriodFrames { get; private set; }

    public int BufferFrames { get; private set; }

    public static AlsaPcm OpenCapture(string name, int sampleRate, int periodFrames, int bufferFrames)
    {
        var error = LibAsound.snd_pcm_open(out var handle, name, LibAsound.StreamCapture, LibAsound.ModeNonBlocking);
        if (error < 0)
        {
            handle.Dispose();
            var hint = error == -AlsaErrno.ENOENT && !AlsaConfig.IsPcmDefined(name)
                ? " (no card or PCM of that name; see 'arecord -l' and 'arecord -L')"
                : error == -AlsaErrno.EBUSY ? " (another program is recording from it)" : "";
            throw AlsaErrno.Fail("ALSA capture device", name, "open", error, hint);
        }

        var pcm = new AlsaPcm(handle, name);
        try
        {
            pcm.Configure(sampleRate, periodFrames, bufferFrames);
            return pcm;
        }
        catch
        {
            pcm.Dispose();
            throw;
        }
    }

    /// <summary>Frames read (&gt; 0) or a negative errno; -EAGAIN when nothing is captured yet.</summary>
    public int Read(Span<short> frames)
    {
        var result = LibAsound.snd_pcm_readi(_handle, ref MemoryMarshal.GetReference(frames), (nuint)frames.Length);
        return (int)result;
    }

    /// <summary>1 when frames are ready, 0 on time-out, a negative errno when the stream is in error.</summary>
    public int Wait(int timeoutMs) => LibAsound.snd_pcm_wait(_handle, timeoutMs);

    /// <summary>Re-prepares after an overrun (-EPIPE) or resumes after a suspend (-ESTRPIPE); 0 when capture can go on.</summary>
    public int Recover(int error) => LibAsound.snd_pcm_recover(_handle, error, silent: 1);

    /// <summary>Stops the stream; later reads fail with -EBADFD until it is prepared again.</summary>
    public void Drop() => LibAsound.snd_pcm_drop(_handle);

    public void Dispose() => _handle.Dispose();

    private void Configure(int sampleRate, int periodFrames, int bufferFrames)
    {
        var error = LibAsound.snd_pcm_hw_params_malloc(out var parameters);
        using (parameters)
        {
            Check(error, "allocating hardware parameters");
            Check(LibAsound.snd_pcm_hw_params_any(_handle, parameters), "reading its capabilities");
            Check(LibAsound.snd_pcm_hw_params_set_access(_handle, parameters, LibAsound.AccessRwInterleaved), "interleaved read access");
            Check(LibAsound.snd_pcm_hw_params_set_format(_handle, parameters, LibAsound.FormatS16Le), "setting format S16_LE", PlugHint);
            Check(LibAsound.snd_pcm_hw_params_set_channels(_handle, parameters, 1), "setting 1 channel", PlugHint);
            // Resampling is only possible where a plug layer sits in front; hw: devices just refuse the rate below.
            LibAsound.snd_pcm_hw_params_set_rate_resample(_handle, parameters, 1);
            Check(LibAsound.snd_pcm_hw_params_set_rate(_handle, parameters, (uint)sampleRate, 0), $"setting rate {sampleRate} Hz", PlugHint);

            nuint period = (nuint)periodFrames;
            var dir = 0;
            Check(LibAsound.snd_pcm_hw_params_set_period_size_near(_handle, parameters, ref period, ref dir), $"setting a period of {periodFrames} frames");
            nuint buffer = (nuint)bufferFrames;
            Check(LibAsound.snd_pcm_hw_params_set_buffer_size_near(_handle, parameters, ref buffer), $"setting a buffer of {bufferFrames} frames");
            Check(LibAsound.snd_pcm_hw_params(_handle, parameters), "applying hardware parameters");

            Check(LibAsound.snd_pcm_hw_params_get_period_size(parameters, out period, out _), "reading the period size");
            Check(LibAsound.snd_pcm_hw_params_get_buffer_size(parameters, out buffer), "reading the buffer size");
            PeriodFrames = (int)period;
            BufferFrames = (int)buffer;
        }
    }

    private void Check(int error, string operation, string hint = "")
    {
        if (error < 0)
        {
            throw AlsaErrno.Fail("ALSA capture device", Name, operation, error, hint);
        }
    }
}
