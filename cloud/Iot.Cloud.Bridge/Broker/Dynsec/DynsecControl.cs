using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Protocol;

namespace Iot.Cloud.Bridge.Broker.Dynsec;

/// <summary>
/// Mosquitto's dynamic-security control API: commands are published as JSON to <c>$CONTROL/dynamic-security/v1</c>,
/// answers arrive on <c>…/response</c>. One batch in flight at a time, matched by correlation data.
/// </summary>
public sealed class DynsecControl : IAsyncDisposable
{
    public const string Topic = "$CONTROL/dynamic-security/v1";
    public const string ResponseTopic = Topic + "/response";
    private const int BatchSize = 100;

    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;
    private TaskCompletionSource<JsonArray>? _pending;

    private DynsecControl(TimeProvider time)
    {
        _time = time;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == ResponseTopic && JsonNode.Parse(e.ApplicationMessage.ConvertPayloadToString()) is JsonObject o
                && o["responses"] is JsonArray responses)
            {
                _pending?.TrySetResult(responses);
            }

            return Task.CompletedTask;
        };
    }

    public static async Task<DynsecControl> ConnectAsync(string host, int port, string username, string password, string clientId, TimeProvider time, CancellationToken cancellationToken)
    {
        var control = new DynsecControl(time);
        var result = await control._client.ConnectAsync(Iot.Mqtt.MqttClientOptionsFactory.Create(new Iot.Mqtt.MqttConnectSettings
        {
            Host = host,
            Port = port,
            ClientId = clientId,
            Username = username,
            Password = password,
        }), cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            await control.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"dynsec admin '{username}' refused by {host}:{port}: {result.ResultCode}");
        }

        var sub = await control._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(ResponseTopic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
        if (sub.Items.Single().ResultCode != MqttClientSubscribeResultCode.GrantedQoS1)
        {
            await control.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"dynsec admin '{username}' may not subscribe {ResponseTopic}: {sub.Items.Single().ResultCode}");
        }

        return control;
    }

    /// <summary>Runs the commands in batches; returns each command's response (with <c>error</c> set on failure).</summary>
    public async Task<IReadOnlyList<JsonObject>> ExecuteAsync(IReadOnlyList<JsonObject> commands, CancellationToken cancellationToken)
    {
        var all = new List<JsonObject>(commands.Count);
        foreach (var batch in commands.Chunk(BatchSize))
        {
            all.AddRange(await ExecuteBatchAsync(batch, cancellationToken).ConfigureAwait(false));
        }

        return all;
    }

    public async Task<JsonObject> ExecuteAsync(JsonObject command, CancellationToken cancellationToken) =>
        (await ExecuteBatchAsync([command], cancellationToken).ConfigureAwait(false))[0];

    private async Task<IReadOnlyList<JsonObject>> ExecuteBatchAsync(JsonObject[] batch, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var marker = Guid.NewGuid().ToString("n");
            var array = new JsonArray();
            for (var i = 0; i < batch.Length; i++)
            {
                var copy = (JsonObject)batch[i].DeepClone();
                copy["correlationData"] = marker + ":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                array.Add(copy);
            }

            _pending = new TaskCompletionSource<JsonArray>(TaskCreationOptions.RunContinuationsAsynchronously);
            var payload = new JsonObject { ["commands"] = array }.ToJsonString();
            await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topic).WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var responses = await _pending.Task.WaitAsync(TimeSpan.FromSeconds(15), _time, cancellationToken).ConfigureAwait(false);
                if (responses.Count > 0 && responses[0]?["correlationData"]?.GetValue<string>()?.StartsWith(marker, StringComparison.Ordinal) == true)
                {
                    return responses.Select(r => (JsonObject)r!).ToList();
                }

                // An answer to someone else's (or an older, timed-out) batch: keep waiting for ours.
                _pending = new TaskCompletionSource<JsonArray>(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync().ConfigureAwait(false);
            }
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // Already gone; nothing to release on the broker.
        }

        _client.Dispose();
        _gate.Dispose();
    }
}
