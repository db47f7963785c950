using Iot.Edge.Agent.Uplink;

namespace Iot.Edge.Tests.Uplink;

/// <summary>The broker choice alone, driven by a scripted sequence of connect outcomes.</summary>
public class BrokerFailoverTests
{
    private static readonly BrokerEndpoint A = new("a", 1883);
    private static readonly BrokerEndpoint B = new("b", 1883);
    private static readonly BrokerEndpoint C = new("c", 1883);
    private static readonly BrokerEndpoints Abc = new([A, B, C]);

    /// <summary>Plays outcomes (true = connected) and returns each attempt's broker and, for failures, the backoff step.</summary>
    private static List<string> Play(BrokerFailover failover, BrokerEndpoints list, params bool[] outcomes)
    {
        var trace = new List<string>();
        foreach (var ok in outcomes)
        {
            var broker = failover.Next(list);
            if (ok)
            {
                var from = failover.Succeeded(broker);
                trace.Add($"{broker.Host}+" + (from is { } f ? $"(from {f.Host})" : ""));
            }
            else
            {
                trace.Add($"{broker.Host}-{failover.Failed()}");
            }
        }

        return trace;
    }

    [Fact]
    public void Entries_are_tried_in_order_and_a_full_cycle_counts_as_one_backoff_step()
    {
        var failover = new BrokerFailover();

        var trace = Play(failover, Abc, false, false, false, false, false, false, false, true);

        Assert.Equal(["a-0", "b-0", "c-0", "a-1", "b-1", "c-1", "a-2", "b+"], trace);
    }

    [Fact]
    public void With_one_broker_the_backoff_steps_are_those_of_the_single_broker_uplink()
    {
        var failover = new BrokerFailover();

        Assert.Equal(["a-0", "a-1", "a-2", "a-3", "a+"], Play(failover, new BrokerEndpoints([A]), false, false, false, false, true));
    }

    [Fact]
    public void After_a_disconnect_the_broker_that_worked_is_tried_first_then_the_list_continues_from_it()
    {
        var failover = new BrokerFailover();
        Assert.Equal(["a-0", "b+"], Play(failover, Abc, false, true));

        // b dropped the session: b again first, then c, then a (wrapping), and the backoff starts over.
        var trace = Play(failover, Abc, false, false, true);

        Assert.Equal(["b-0", "c-0", "a+(from b)"], trace);
        Assert.Equal(A, failover.Connected);
    }

    [Fact]
    public void A_connected_secondary_stays_in_use_even_when_the_primary_would_answer_again()
    {
        var failover = new BrokerFailover();
        Play(failover, Abc, false, true);

        // Reconnects after drops keep going to b while b answers; a is not tried at all.
        var trace = Play(failover, Abc, true, true, true);

        Assert.Equal(["b+", "b+", "b+"], trace);
    }

    [Fact]
    public void A_new_list_starts_at_its_first_entry_unless_the_broker_in_use_is_in_it()
    {
        var failover = new BrokerFailover();
        Play(failover, Abc, false, true);

        Assert.Equal(B, failover.Next(new BrokerEndpoints([C, A, B])));
        Assert.Equal(C, new BrokerFailover().Next(new BrokerEndpoints([C, A, B])));
        Assert.Equal(A, failover.Next(new BrokerEndpoints([A, C])));
    }
}
