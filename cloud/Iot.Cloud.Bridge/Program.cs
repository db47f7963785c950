using Iot.Cloud.Bridge.Hosting;
using Iot.Cloud.Hosting;

return await CloudHost.RunAsync("iot-bridge", () => BridgeHost.CreateBuilder(args).Build());
