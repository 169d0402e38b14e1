namespace Platform.Grains.Budget;

/// <summary>
/// A budget's reservations, in memory only: a reservation is a promise to the caller, not spend, so losing them in a
/// crash only frees budget early, never loses settled spend. That keeps Reserve free of storage round trips.
/// Not thread-safe: the grain's turn serializes every use.
/// </summary>
internal sealed class ReservationBook
{
    // Enough to refuse a double settle within any plausible retry window, while bounding memory at proxy rates.
    private const int ClosedRemembered = 100_000;

    private readonly Dictionary<string, OpenReservation> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _reservedByRun = new(StringComparer.Ordinal);

    // Creation order is expiry order (one lifetime for all, a clock that does not go back), so expiry pops from the front.
    private readonly Queue<OpenReservation> _byExpiry = new();
    private readonly Dictionary<string, ClosedReservation> _closed = new(StringComparer.Ordinal);
    private readonly Queue<string> _closedOrder = new();

    /// <summary>The sum of open reservations.</summary>
    public long ReservedMicros { get; private set; }

    public long ReservedByRun(string runId) => _reservedByRun.GetValueOrDefault(runId);

    public OpenReservation Add(long amountMicros, string purpose, string? runId, DateTimeOffset expiresAt, string? keyId = null, string? model = null)
    {
        var reservation = new OpenReservation($"res_{Guid.NewGuid():N}", amountMicros, purpose, runId, expiresAt, keyId, model);
        _open.Add(reservation.Id, reservation);
        _byExpiry.Enqueue(reservation);
        ReservedMicros += amountMicros;
        if (runId is not null)
        {
            _reservedByRun[runId] = _reservedByRun.GetValueOrDefault(runId) + amountMicros;
        }

        return reservation;
    }

    public bool TryGetOpen(string id, out OpenReservation reservation) => _open.TryGetValue(id, out reservation!);

    public ClosedReservation? FindClosed(string id) => _closed.GetValueOrDefault(id);

    /// <summary>Ends an open reservation, freeing what it held.</summary>
    public void Close(OpenReservation reservation, ReservationOutcome outcome)
    {
        if (!_open.Remove(reservation.Id))
        {
            return;
        }

        ReservedMicros -= reservation.AmountMicros;
        if (reservation.RunId is { } runId)
        {
            var left = _reservedByRun[runId] - reservation.AmountMicros;
            if (left == 0)
            {
                _reservedByRun.Remove(runId);
            }
            else
            {
                _reservedByRun[runId] = left;
            }
        }

        Remember(new ClosedReservation(reservation, outcome));
    }

    /// <summary>Marks a settled expired reservation so it cannot be settled twice.</summary>
    public void MarkSettled(ClosedReservation expired) => _closed[expired.Reservation.Id] = expired with { Outcome = ReservationOutcome.Settled };

    /// <summary>Releases every reservation whose lifetime has passed and returns them.</summary>
    public IReadOnlyList<OpenReservation> ExpireDue(DateTimeOffset now)
    {
        List<OpenReservation>? expired = null;
        while (_byExpiry.TryPeek(out var oldest) && oldest.ExpiresAt <= now)
        {
            _byExpiry.Dequeue();
            if (_open.ContainsKey(oldest.Id))
            {
                Close(oldest, ReservationOutcome.Expired);
                (expired ??= []).Add(oldest);
            }
        }

        // Settled and released reservations leave stale queue entries behind; skip them at the front as well.
        while (_byExpiry.TryPeek(out var front) && !_open.ContainsKey(front.Id))
        {
            _byExpiry.Dequeue();
        }

        // One reservation held for its whole lifetime must not keep every later, long settled one queued behind it.
        if (_byExpiry.Count > (2 * _open.Count) + 1024)
        {
            var open = _open.Values.OrderBy(static r => r.ExpiresAt).ToArray();
            _byExpiry.Clear();
            foreach (var reservation in open)
            {
                _byExpiry.Enqueue(reservation);
            }
        }

        return expired ?? (IReadOnlyList<OpenReservation>)[];
    }

    private void Remember(ClosedReservation closed)
    {
        _closed[closed.Reservation.Id] = closed;
        _closedOrder.Enqueue(closed.Reservation.Id);
        while (_closedOrder.Count > ClosedRemembered)
        {
            _closed.Remove(_closedOrder.Dequeue());
        }
    }
}
