namespace Platform.Testing;

/// <summary>A message <see cref="FakeSlackServer"/> accepted through <c>chat.postMessage</c>.</summary>
/// <param name="Channel">The channel it was posted to.</param>
/// <param name="Text">The text as received.</param>
/// <param name="Ts">The <c>ts</c> the fake answered with.</param>
public sealed record FakeSlackPost(string Channel, string Text, string Ts);
