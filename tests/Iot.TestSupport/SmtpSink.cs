using System.Globalization;
using System.Net.Sockets;
using MimeKit;

namespace Iot.TestSupport;

/// <summary>
/// A real SMTP server: Debian's aiosmtpd (python3-aiosmtpd, installed by cloud/scripts/setup.sh) with its Mailbox
/// handler, which writes each message into a Maildir with X-MailFrom / X-RcptTo headers for the envelope. Shared by
/// the alert e-mail tests and the dashboard's scheduled report mail tests.
/// </summary>
public sealed class SmtpSink : IDisposable
{
    private readonly ChildProcess _process;
    private readonly TempDirectory _dir;

    private SmtpSink(ChildProcess process, TempDirectory dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    private string Maildir => Path.Combine(_dir.Path, "mail");

    public static async Task<SmtpSink> StartAsync()
    {
        var program = ExternalTool.Require("aiosmtpd");
        // aiosmtpd cannot report a port it chose itself, so take a free one and start again if someone took it first.
        for (var attempt = 1; ; attempt++)
        {
            var dir = new TempDirectory();
            var port = FreePort.Next();
            var process = ChildProcess.StartExecutable(
                program,
                ["-n", "-l", "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "-c", "aiosmtpd.handlers.Mailbox", Path.Combine(dir.Path, "mail")],
                Path.Combine(dir.Path, "aiosmtpd.log"));
            if (await ListeningAsync(process, port))
            {
                return new SmtpSink(process, dir, port);
            }

            var tail = process.Tail(20);
            process.Dispose();
            dir.Dispose();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"aiosmtpd did not start listening: {tail}");
            }
        }
    }

    /// <summary>The messages received so far, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var folder = Path.Combine(Maildir, "new");
        return !Directory.Exists(folder)
            ? []
            : Directory.GetFiles(folder).Select(f => (File: f, At: File.GetLastWriteTimeUtc(f))).OrderBy(f => f.At)
                .Select(f => MimeMessage.Load(f.File)).ToList();
    }

    private static async Task<bool> ListeningAsync(ChildProcess process, int port)
    {
        for (var i = 0; i < 100 && !process.HasExited; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                // The banner proves it is our aiosmtpd on that port, not something that took the port first.
                using var reader = new StreamReader(probe.GetStream());
                var banner = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
                return banner?.Contains("Python SMTP", StringComparison.Ordinal) == true && !process.HasExited;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        return false;
    }

    public void Dispose()
    {
        _process.Dispose();
        _dir.Dispose();
    }
}
