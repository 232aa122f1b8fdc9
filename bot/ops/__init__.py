"""Operations: metrics, the health and metrics HTTP endpoint, backups.

Nothing here knows a chat platform; adapters feed platform errors in through
``bot.ops.metrics.counts_platform_errors``.
"""
