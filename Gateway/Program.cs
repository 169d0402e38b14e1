using Platform.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatform();

var app = builder.Build();
app.MapPlatform();
app.Run();

/// <summary>Exposed so tests can host the gateway with <c>WebApplicationFactory</c>.</summary>
public partial class Program;
