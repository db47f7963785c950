using Iot.TestSupport;

namespace Iot.Edge.Deployment.Tests;

public class WindowsPublishTests
{
    [Fact]
    public async Task The_agent_publishes_for_windows_x64_as_a_self_contained_service_executable()
    {
        var publish = await PublishedAgent.ForAsync("win-x64");

        Assert.True(File.Exists(Path.Combine(publish, "iot-agent.exe")));
        Assert.True(File.Exists(Path.Combine(publish, "NAudio.Wasapi.dll")));
        Assert.True(File.Exists(Path.Combine(publish, "Microsoft.Extensions.Hosting.WindowsServices.dll")));
        Assert.True(File.Exists(Path.Combine(publish, "opus.dll")) || File.Exists(Path.Combine(publish, "Concentus.dll")));
    }
}
