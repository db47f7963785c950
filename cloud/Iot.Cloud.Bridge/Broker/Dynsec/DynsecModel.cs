namespace Iot.Cloud.Bridge.Broker.Dynsec;

/// <summary>One dynsec ACL entry. Types: publishClientSend, publishClientReceive, subscribeLiteral, subscribePattern.</summary>
public sealed record DynsecAcl(string AclType, string Topic, bool Allow = true);

public sealed record DynsecRole(string RoleName, IReadOnlyList<DynsecAcl> Acls);

/// <summary>A client as the reconciler wants it (with password) or as Mosquitto reports it (password null).</summary>
public sealed record DynsecClient(string Username, string? ClientId, IReadOnlyList<string> Roles, string? TextDescription, bool Disabled, string? Password = null);

public sealed record DynsecState(IReadOnlyList<DynsecClient> Clients, IReadOnlyList<DynsecRole> Roles);
