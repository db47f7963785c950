using Iot.Cloud.Hosting;
using Iot.Cloud.Pipeline.Jobs;
using Iot.Cloud.Pipeline.TestWorker;
using Iot.Cloud.Worker.Hosting;
using Microsoft.Extensions.DependencyInjection;

return await CloudHost.RunAsync("iot-worker", () =>
{
    var builder = WorkerHost.CreateBuilder(args);
    builder.Services.AddSingleton<IJobHandler, SlowSideEffectHandler>();
    return builder.Build();
});
