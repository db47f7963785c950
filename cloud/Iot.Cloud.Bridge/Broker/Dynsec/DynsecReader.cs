using System.Text.Json.Nodes;

namespace Iot.Cloud.Bridge.Broker.Dynsec;

/// <summary>Reads Mosquitto's whole dynsec state (listClients / listRoles, verbose).</summary>
public static class DynsecReader
{
    public static async Task<DynsecState> ReadAsync(DynsecControl control, CancellationToken cancellationToken)
    {
        var answers = await control.ExecuteAsync(
            [
                new JsonObject { ["command"] = "listClients", ["verbose"] = true, ["count"] = -1, ["offset"] = 0 },
                new JsonObject { ["command"] = "listRoles", ["verbose"] = true, ["count"] = -1, ["offset"] = 0 },
            ],
            cancellationToken).ConfigureAwait(false);
        foreach (var a in answers)
        {
            if (a["error"] is { } error)
            {
                throw new InvalidOperationException($"dynsec {a["command"]} failed: {error}");
            }
        }

        var clients = (answers[0]["data"]?["clients"] as JsonArray ?? []).OfType<JsonObject>().Select(c => new DynsecClient(
            c["username"]!.GetValue<string>(),
            c["clientid"]?.GetValue<string>() is { Length: > 0 } id ? id : null,
            (c["roles"] as JsonArray ?? []).OfType<JsonObject>().Select(r => r["rolename"]!.GetValue<string>()).ToList(),
            c["textdescription"]?.GetValue<string>(),
            c["disabled"]?.GetValue<bool>() ?? false)).ToList();
        var roles = (answers[1]["data"]?["roles"] as JsonArray ?? []).OfType<JsonObject>().Select(r => new DynsecRole(
            r["rolename"]!.GetValue<string>(),
            (r["acls"] as JsonArray ?? []).OfType<JsonObject>().Select(a => new DynsecAcl(
                a["acltype"]!.GetValue<string>(), a["topic"]!.GetValue<string>(), a["allow"]?.GetValue<bool>() ?? false)).ToList())).ToList();
        return new DynsecState(clients, roles);
    }
}
