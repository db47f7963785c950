using System.Net;

namespace Iot.TestSupport;

/// <summary>
/// Starts an <see cref="HttpListener"/> on a free loopback port. <see cref="FreePort.Next"/> only names a port that was
/// free a moment ago; under a parallel test run another process may bind it first ("Address already in use", seen in
/// CI), so a bind conflict is retried on a fresh port with a fresh listener (a failed Start leaves the old one unusable).
/// </summary>
public static class LoopbackHttpListener
{
    public static (HttpListener Listener, string Url) Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            var url = $"http://127.0.0.1:{FreePort.Next()}";
            var listener = new HttpListener();
            listener.Prefixes.Add(url + "/");
            try
            {
                listener.Start();
                return (listener, url);
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                listener.Close();
            }
        }
    }
}
