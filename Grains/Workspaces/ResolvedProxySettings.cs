using Platform.Grains.Interfaces.Workspaces;

namespace Platform.Grains.Workspaces;

/// <summary>A workspace's proxy settings and the catalogue version whose prices they hold; one reference, swapped whole.</summary>
internal sealed record ResolvedProxySettings(long CatalogVersion, ProxySettings Settings);
