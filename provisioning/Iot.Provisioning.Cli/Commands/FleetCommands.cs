using System.Buffers;
using System.Collections.Concurrent;
using System.CommandLine;
using Iot.Protocol.Messages;
using Iot.Protocol.Serialization;
using Iot.Protocol.Topics;
using MQTTnet;
using MQTTnet.Protocol;
using Spectre.Console;
using static Iot.Provisioning.Cli.CommandRunner;

namespace Iot.Provisioning.Cli.Commands;

internal static class FleetCommands
{
    public static Command Build()
    {
        var seconds = new Option<double>("--collect-seconds") { Description = "How long to collect retained status messages", DefaultValueFactory = _ => 2 };
        var status = new Command("status", "Live device status from the broker's retained status topics") { seconds };
        status.Handle(async (p, c, ct) =>
        {
            var seen = new ConcurrentDictionary<(string Tenant, string Device), DeviceStatus>();
            var broker = c.Broker;
            broker.Client.ApplicationMessageReceivedAsync += e =>
            {
                if (TopicTree.TryParse(e.ApplicationMessage.Topic, out var t) && t.Kind == TopicKind.Status
                    && ProtocolJson.TryDeserialize<DeviceStatus>(e.ApplicationMessage.Payload.ToArray(), out _) is { } s)
                {
                    seen[(t.TenantId, t.DeviceId)] = s;
                }

                return Task.CompletedTask;
            };
            await broker.ConnectAsync(ct);
            await broker.Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(TopicTree.Prefix + "+/+/status", MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
            await Task.Delay(TimeSpan.FromSeconds(p.GetValue(seconds)), ct);
            var table = new Table().AddColumns("Tenant", "Device", "State", "Since", "Agent", "Reason");
            foreach (var ((tenant, device), s) in seen.OrderBy(x => x.Key))
            {
                var state = s.State == DeviceState.Online ? "[green]online[/]" : "[red]offline[/]";
                table.AddRow(Text(tenant), Text(device), state, Text(s.AtUtc.ToString("u")), Text(s.AgentVersion), Text(s.ReconnectReason));
            }

            AnsiConsole.Write(table);
            Console.WriteLine($"{seen.Count} device(s), {seen.Values.Count(v => v.State == DeviceState.Online)} online");
            return ExitCodes.Ok;
        });
        return new Command("fleet", "Fleet overview") { status };
    }
}
