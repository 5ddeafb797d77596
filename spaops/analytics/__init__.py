"""Owner analytics computed in SQL: KPIs, utilisation, mix, price bands, cadence, expiries."""
