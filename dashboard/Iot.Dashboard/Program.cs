using Iot.Dashboard.Hosting;

var app = DashboardApp.Build(args);
await app.RunAsync().ConfigureAwait(false);

/// <summary>Entry point; public so WebApplicationFactory can host it in tests.</summary>
public partial class Program;
