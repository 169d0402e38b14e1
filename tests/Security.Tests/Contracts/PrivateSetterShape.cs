namespace Platform.Security.Tests.Contracts;

/// <summary>A shape the immutability rule must refuse: a property its own methods can still change.</summary>
public sealed class PrivateSetterShape
{
    public int Count { get; private set; }

    public void Increment() => Count++;
}
