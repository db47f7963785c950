using Iot.Cloud.Hosting;
using Iot.Dashboard.Hosting;

// Exit code 2 and a message naming the key on a bad setting, as the bridge and the worker.
return await CloudHost.RunAsync("iot-dashboard", () => DashboardApp.Build(args)).ConfigureAwait(false);

/// <summary>Entry point; public so WebApplicationFactory can host it in tests.</summary>
public partial class Program;
