using Iot.Cloud.Hosting;
using Iot.Cloud.Worker.Hosting;

return await CloudHost.RunAsync("iot-worker", () => WorkerHost.CreateBuilder(args).Build());
