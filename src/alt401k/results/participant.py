"""What a saver's run produced: :class:`ParticipantResults`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import _show
from .._random import seed_record
from .._validation import check_int
from ..contributions import AnnualContributions
from ..tax import early_withdrawal_penalty
from . import _files
from ._stats import (
    DEFAULT_QUANTILES,
    SE_METHOD,
    _annual_return,
    _check_finite,
    _check_scenario_index,
    _distribution_row,
    _lower_tail_mean,
    _max_drawdown,
    batch_slices,
    batch_standard_error,
    check_quantiles,
    check_stat,
    quantile_label,
    real_deflators,
    stat_label,
    units,
)

if TYPE_CHECKING:
    from ..leakage import Leakage
    from ..markets import MarketModel
    from ..pay import PayPath
    from ..plan import PlanDesign
    from ..population import Participant
    from ..portfolio import Portfolio
    from ..retirement import Retirement, RetirementPaths

__all__ = ["ParticipantResults"]


@dataclass(frozen=True, eq=False, repr=False)
class ParticipantResults:
    """Outcome of :func:`alt401k.simulate_participant` for one saver.

    Attributes
    ----------
    participant, plan, portfolio
        The validated specifications.
    contributions : AnnualContributions
        Deterministic contribution schedule, arrays (Y, 1), dollars per year.
    balance_end, roth_balance_end : ndarray, shape (S, Y)
        Year-end balance and its Roth part, nominal dollars.
    investment_return, fees : ndarray, shape (S, Y)
        Market gain (gross of expenses) and fees charged each year, dollars.
    price_level : ndarray, shape (S, Y)
        Consumer price index at each year end, 1 at the start.
    asset_names : tuple of str, length A
        Assets the portfolio holds.
    annual_returns : ndarray, shape (S, Y, A)
        Each asset's return compounded over each calendar year, gross of
        expenses (the market path the saver saw).
    seed : numpy.random.SeedSequence
        Root seed; rerunning with it reproduces every number.
    periods_per_year : int
        Simulation periods per year.
    retirement : Retirement or None
        The retirement phase simulated, if any (the run then ends at
        ``retirement.end_age``).
    retirement_paths : RetirementPaths or None
        Withdrawals by source, tax, penalty, Social Security, other income
        and shortfalls per scenario and year, nominal dollars, (S, Y) each.
    employer_balance_end : ndarray, shape (S, Y) or None
        Employer money in the balance at each year end (vested and not).
    leakage : Leakage or None
        The leakage simulated, if any.
    leakage_paths : ndarray, shape (S, Y, 4) or None
        Money leaving while working, by cause (:data:`alt401k.leakage.LEAKAGE_PARTS`:
        rollover, cash_out, hardship, loan_default), expected dollars per year.
    forfeitures : ndarray, shape (S, Y) or None
        Unvested employer money forfeited at separation, expected dollars per year.
    market_draws : dict of str to ndarray (S,)
        Per-scenario draws of the market model (an uncertain expected
        return, a ruin year), keyed ``"<asset>/expected_return"`` etc.
    markets, indexing_rate, pay
        The market model, limit indexing rate and pay path of the run (so
        :meth:`rerun` reproduces it).
    sampling : {"mc", "antithetic", "qmc"}
        How the market's normals were drawn; it sets the batches of
        ``summary(se=True)``.
    precision : dict or None
        With ``n_scenarios="auto"``: each target's ``target``, ``reached``
        (relative 95% half-width) and ``met``; None otherwise.
    """

    participant: Participant
    plan: PlanDesign
    portfolio: Portfolio
    contributions: AnnualContributions
    balance_end: np.ndarray
    roth_balance_end: np.ndarray
    investment_return: np.ndarray
    fees: np.ndarray
    price_level: np.ndarray
    asset_names: tuple[str, ...]
    annual_returns: np.ndarray
    seed: np.random.SeedSequence
    periods_per_year: int
    retirement: Retirement | None = None
    retirement_paths: RetirementPaths | None = None
    employer_balance_end: np.ndarray | None = None
    leakage: Leakage | None = None
    leakage_paths: np.ndarray | None = None
    forfeitures: np.ndarray | None = None
    market_draws: dict[str, np.ndarray] = field(default_factory=dict)
    markets: MarketModel | None = None
    indexing_rate: float = 0.025
    pay: PayPath | None = None
    sampling: str = "mc"
    precision: dict[str, dict[str, Any]] | None = None

    def save(self, path: str | Path) -> Path:
        """Write this result to a directory; see :func:`alt401k.io.save`."""
        return _files.save(self, path)

    def rerun(self) -> ParticipantResults:
        """Simulate again from the recorded specification and seed (bit-identical)."""
        return _files.rerun(self)

    def __repr__(self) -> str:
        shown = _show.text(self)  # alt401k.display.describe_participant, registered by the face
        return shown if shown is not None else f"<{type(self).__name__}>"

    def _repr_html_(self) -> str | None:
        return _show.html(self)

    def sensitivity(
        self, *, target: str = "terminal_balance", method: str = "rank", **kwargs: Any
    ) -> pd.DataFrame:
        """Rank the uncertain market inputs by their effect on a target; see
        :func:`alt401k.sensitivity`."""
        from ..sensitivity import sensitivity

        return sensitivity(self, target=target, method=method, **kwargs)

    @property
    def n_scenarios(self) -> int:
        return int(self.balance_end.shape[0])

    @property
    def years(self) -> np.ndarray:
        """Calendar years, shape (Y,)."""
        return self.contributions.years

    def annual_return(self, name: str) -> np.ndarray:
        """One asset's calendar-year returns, shape (S, Y), fraction (gross of expenses)."""
        return _annual_return(self.asset_names, self.annual_returns, name)

    @property
    def terminal_balance(self) -> np.ndarray:
        """Balance at the end of the run, shape (S,), nominal dollars.

        At retirement, or at ``retirement.end_age`` when the retirement phase
        was simulated (then see :attr:`balance_at_retirement`).
        """
        return self.balance_end[:, -1]

    @property
    def terminal_roth_balance(self) -> np.ndarray:
        """Roth part of :attr:`terminal_balance`, shape (S,), nominal dollars."""
        return self.roth_balance_end[:, -1]

    @property
    def terminal_real_balance(self) -> np.ndarray:
        """:attr:`terminal_balance` in start-year dollars, shape (S,)."""
        return self.balance_end[:, -1] / self.price_level[:, -1]

    @property
    def retirement_year_index(self) -> int:
        """Index of the first retirement year in :attr:`years` (Y if not simulated)."""
        return int(self.participant.retirement_age - self.participant.age)

    @property
    def balance_at_retirement(self) -> np.ndarray:
        """Balance when the saver retires (end of the last working year), (S,), nominal dollars."""
        return self.balance_end[:, min(self.retirement_year_index, self.balance_end.shape[1]) - 1]

    @property
    def price_at_start(self) -> np.ndarray:
        """Price level at the start of each year, (S, Y), 1 in the first year."""
        return np.concatenate([np.ones((self.n_scenarios, 1)), self.price_level[:, :-1]], axis=1)

    @property
    def paid_in(self) -> float:
        """Opening balance plus every contribution, nominal dollars (the mean over scenarios)."""
        total = self.contributions.total.sum(axis=0)  # (1,) or, with pay paths, (S,)
        return float(self.participant.balance + total.mean())

    @property
    def paid_in_by_scenario(self) -> np.ndarray:
        """Opening balance plus every contribution in each scenario, (S,), nominal dollars.

        The same in every scenario unless contributions follow pay paths.
        """
        total = self.contributions.total.sum(axis=0)  # (1,) or, with pay paths, (S,)
        return np.broadcast_to(self.participant.balance + total, (self.n_scenarios,))

    def prob_below(self, amount: float) -> float:
        """Share of scenarios whose terminal balance is below ``amount`` dollars."""
        return float(np.mean(self.terminal_balance < amount))

    def ledger(
        self, scenario: int | None = None, *, stat: str | float = "mean", real: bool = False
    ) -> pd.DataFrame:
        """Year-by-year account ledger.

        Parameters
        ----------
        scenario : int, optional
            One scenario's ledger; by default a statistic across scenarios.
        stat : {"mean", "median"} or float in [0, 1]
            Without ``scenario``: the statistic taken across scenarios, year by
            year and column by column, of every column that varies by scenario
            (``"mean"``, the default; ``"median"``; or a quantile such as 0.05).
            Columns derived from others (``employee_pretax_end``,
            ``employer_vested_end``, ``employer_unvested_end``, ``leakage``) are
            then the statistic of the per-scenario figure. The balance identity
            below holds for the mean and for one scenario, not for a quantile
            (a quantile of a sum is not the sum of the quantiles). Ignored
            (but still checked) when ``scenario`` is given.
        real : bool
            Start-year dollars: every dollar column of each scenario divided
            by that scenario's price level at the time of the money
            (:func:`alt401k.results._stats.real_deflators`): balances
            (``*_end``) at the year end; money spread over the year (pay,
            contributions, investment return, fees, leakage and its tax,
            forfeitures, Social Security) at mid-year; withdrawals, paid at
            the start of each year, with their tax, penalty and after-tax
            income, at the start of the year. Shares and ages are not
            deflated; ``frame.attrs["units"]`` says which.

        Returns
        -------
        DataFrame
            One row per year: ``year, age, salary, employee_pretax,
            employee_roth, employer, investment_return, fees, balance_end``
            (dollars). ``balance_end[t] = balance_end[t-1] + employee_pretax +
            employee_roth + employer + investment_return - fees - leakage -
            forfeitures`` (- withdrawals in retirement); then the
            employer money by kind (``employer_match``, ``employer_nonelective``,
            ``employer_profit_sharing``, summing to ``employer``), its Roth part
            ``employer_roth`` and the ``vested_share`` of employer money at the
            year end; the year-end balance by source, ``employee_pretax_end``,
            ``roth_end`` (employee and employer Roth), ``employer_vested_end``
            and ``employer_unvested_end`` (employer Roth money, vested only,
            counts in ``roth_end`` and in ``employer_vested_end``, so
            ``employee_pretax_end`` is then understated by it);
            with ``leakage``: ``leakage_rollover``, ``leakage_cash_out``,
            ``leakage_hardship``, ``leakage_loan_default``, their sum
            ``leakage``, ``forfeitures``, and the federal income tax and 10%
            additional tax the taxable leakage costs: ``cash_out_tax``,
            ``cash_out_penalty``, ``hardship_tax``, ``hardship_penalty``,
            ``loan_default_tax``, ``loan_default_penalty`` and their sums
            ``leakage_tax`` and ``leakage_penalty`` (the pre-tax part of the
            three taxed together on top of the year's wages, pay less pre-tax
            deferrals, at the rates they reach; penalised before 59½, with the
            rule of 55 for cash-outs and loan offsets at separation, not for
            hardship withdrawals: :meth:`alt401k.Leakage.leakage_tax`; single
            filer, 2026 schedule indexed at 2.5% a year); with the
            retirement phase also ``withdrawals_pretax, withdrawals_roth``
            (subtracted in that identity), ``income_tax`` (the tax the
            withdrawals add), ``penalty``, ``social_security`` and
            ``after_tax_income`` (withdrawals - income_tax - penalty), then
            ``roth_taxable`` (the earnings part of non-qualified Roth
            withdrawals, taxed and, before 59½, penalised; included in
            ``income_tax`` and ``penalty``) and ``roth_basis_end`` (Roth
            contributions not yet withdrawn, at the year end).
            Dollars, nominal (``frame.attrs["units"] == "USD nominal"``);
            ``frame.attrs["stat"]`` says which row statistic was taken
            (``"mean"``, ``"p50"``, ``"scenario 3"`` ...).
        """
        q = check_stat(stat)
        index = None if scenario is None else _check_scenario_index(scenario, self.n_scenarios)
        by_quantile = index is None and q is not None

        deflators = (
            dict(zip(("start", "mid", "end"), real_deflators(self.price_level), strict=True))
            if real
            else None
        )

        def pick(a: np.ndarray, *, dollars: bool = True, when: str = "mid") -> np.ndarray:
            if deflators is not None and dollars:
                a = a / deflators[when]
            if index is not None:
                return a[index]
            return a.mean(axis=0) if q is None else np.quantile(a, q, axis=0)

        c = self.contributions

        def col(a: np.ndarray, *, dollars: bool = True) -> np.ndarray:
            """A contribution array (Y, 1), or (Y, S) with pay paths, for the ledger's scenario."""
            if a.shape[1] == 1 and (deflators is None or not dollars):
                return a[:, 0]
            per_scenario = np.broadcast_to(a.T, (self.n_scenarios, a.shape[0]))
            return pick(per_scenario, dollars=dollars)

        frame = pd.DataFrame(
            {
                "year": c.years,
                "age": c.age[:, 0].astype(int),
                "salary": col(c.salary),
                "employee_pretax": col(c.employee_pretax),
                "employee_roth": col(c.employee_roth),
                "employer": col(c.employer),
                "investment_return": pick(self.investment_return),
                "fees": pick(self.fees),
                "balance_end": pick(self.balance_end, when="end"),
            }
        )
        frame["employer_match"] = col(c.match)
        frame["employer_nonelective"] = col(c.nonelective)
        frame["employer_profit_sharing"] = col(c.profit_sharing)
        frame["employer_roth"] = col(c.employer_roth)
        frame["vested_share"] = col(c.vested_share, dollars=False)
        if self.employer_balance_end is not None and by_quantile:
            employer_paths = self.employer_balance_end
            vested_paths = employer_paths * np.broadcast_to(c.vested_share.T, employer_paths.shape)
            # (pick deflates each path when real)
            frame["employee_pretax_end"] = pick(
                self.balance_end - self.roth_balance_end - employer_paths, when="end"
            )
            frame["roth_end"] = pick(self.roth_balance_end, when="end")
            frame["employer_vested_end"] = pick(vested_paths, when="end")
            frame["employer_unvested_end"] = pick(employer_paths - vested_paths, when="end")
        elif self.employer_balance_end is not None:
            employer = pick(self.employer_balance_end, when="end")
            roth = pick(self.roth_balance_end, when="end")
            frame["employee_pretax_end"] = frame["balance_end"] - roth - employer
            frame["roth_end"] = roth
            frame["employer_vested_end"] = employer * col(c.vested_share, dollars=False)
            frame["employer_unvested_end"] = employer - frame["employer_vested_end"]
        if self.forfeitures is not None:
            frame["forfeitures"] = pick(self.forfeitures)
        if self.leakage_paths is not None:
            from ..leakage import LEAKAGE_PARTS

            for part, name in enumerate(LEAKAGE_PARTS):
                frame[f"leakage_{name}"] = pick(self.leakage_paths[:, :, part])
            frame["leakage"] = pick(self.leakage_paths.sum(axis=-1))
            taxes = self._leakage_tax()
            for name, (tax, penalty) in taxes.items():
                frame[f"{name}_tax"] = pick(tax)
                frame[f"{name}_penalty"] = pick(penalty)
            frame["leakage_tax"] = pick(np.sum([tax for tax, _ in taxes.values()], axis=0))
            frame["leakage_penalty"] = pick(np.sum([pen for _, pen in taxes.values()], axis=0))
        r = self.retirement_paths
        if r is not None:
            frame["withdrawals_pretax"] = pick(r.pretax, when="start")
            frame["withdrawals_roth"] = pick(r.roth, when="start")
            frame["income_tax"] = pick(r.tax, when="start")
            frame["penalty"] = pick(r.penalty, when="start")
            frame["social_security"] = pick(r.social_security)
            frame["after_tax_income"] = pick(r.after_tax_income, when="start")
            assert r.roth_taxable is not None and r.roth_basis is not None  # filled in
            frame["roth_taxable"] = pick(r.roth_taxable, when="start")
            frame["roth_basis_end"] = pick(r.roth_basis, when="end")
        frame.attrs["units"] = units(real)
        frame.attrs["stat"] = f"scenario {index}" if index is not None else stat_label(q)
        return frame

    def summary(
        self,
        quantiles: Sequence[float] = DEFAULT_QUANTILES,
        *,
        real: bool = False,
        se: bool = False,
    ) -> pd.DataFrame:
        """Distribution of outcomes at the end of the run.

        Parameters
        ----------
        quantiles : sequence of float
            Each in [0, 1], none repeated; labelled ``p05``, ``p50``, ``p99.9`` ...
        real : bool
            Start-year dollars: every dollar figure deflated by its own
            scenario's price path (:attr:`price_level`; balances by the price
            level at the end of the run, each year's investment return and fees
            by the price level at the end of that year). Default nominal.
        se : bool
            Add the Monte Carlo standard error of each mean, quantile, CVaR
            and probability as ``<column>_se`` (``mean_se``, ``p05_se``,
            ``cvar05_se``, ``prob_below_paid_in_se``), by batch means over
            independent batches of scenarios (:data:`alt401k.results._stats.SE_METHOD`,
            also in ``frame.attrs["se_method"]``); a 95% interval is the
            figure +- t(0.975, B - 1) standard errors for B batches (2.09 for
            the 20 batches of mc and antithetic runs). Default False.

        Returns
        -------
        DataFrame indexed by ``metric``
            Rows ``terminal_balance``, ``terminal_real_balance`` (start-year
            dollars whatever ``real``), ``terminal_roth_balance``,
            ``total_investment_return``, ``total_fees``; columns are the
            statistic across scenarios: ``mean``, ``std``, the quantiles
            (``p05`` ...), ``cvar05`` (mean of the worst 5% of scenarios) and
            ``prob_below_paid_in`` (share of scenarios ending below the opening
            balance plus all contributions, both nominal, so the same with
            ``real``; balance rows only, else NaN).

        Notes
        -----
        Column convention: a figure is named ``<quantity>_<stat>``, the stat
        being ``mean``, ``std`` or a quantile ``pNN`` (percentile, at least two
        digits: ``p05``, ``p07``, ``p50``, ``p99.9``); here the quantity is the
        row and the stat the column (``summary().loc["terminal_balance",
        "p50"]`` is ``terminal_balance_p50``). Dollars;
        ``frame.attrs["units"]`` is ``"USD nominal"`` or ``"USD real"``.
        """
        qs = check_quantiles(quantiles)
        rows = {}
        for name, values in self.summary_metrics(real=real).items():
            row: dict[str, float] = {
                "mean": float(values.mean()),
                "std": float(values.std(ddof=1)) if values.size > 1 else 0.0,
            }
            for q, v in zip(qs, np.quantile(values, qs), strict=True):
                row[quantile_label(q)] = float(v)
            row["cvar05"] = _lower_tail_mean(values)
            rows[name] = row
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame["prob_below_paid_in"] = np.nan
        frame.loc["terminal_balance", "prob_below_paid_in"] = self.prob_below(self.paid_in)
        frame.index.name = "metric"
        frame.attrs["units"] = units(real)
        if se:
            batches = batch_slices(self.n_scenarios, self.sampling)
            labels = ["mean", *(quantile_label(q) for q in qs), "cvar05"]

            def stats(v: np.ndarray) -> np.ndarray:
                return np.array([v.mean(), *np.quantile(v, qs), _lower_tail_mean(v)])

            errors = {
                name: batch_standard_error(values, stats, batches)
                for name, values in self.summary_metrics(real=real).items()
            }
            for i, label in enumerate(labels):
                frame[f"{label}_se"] = [errors[name][i] for name in frame.index]
            below = (self.terminal_balance < self.paid_in).astype(float)
            frame["prob_below_paid_in_se"] = np.nan
            frame.loc["terminal_balance", "prob_below_paid_in_se"] = float(
                batch_standard_error(below, np.mean, batches)
            )
            frame.attrs["se_method"] = SE_METHOD
        return frame

    def summary_metrics(self, *, real: bool = False) -> dict[str, np.ndarray]:
        """The per-scenario values behind :meth:`summary`'s rows, (S,) each, dollars.

        ``terminal_balance``, ``terminal_real_balance`` (start-year dollars
        whatever ``real``), ``terminal_roth_balance``, ``total_investment_return``
        and ``total_fees``, deflated as :meth:`summary` says when ``real``.
        """
        end = self.price_level[:, -1] if real else 1.0
        yearly = self.price_level if real else 1.0
        return {
            "terminal_balance": self.terminal_balance / end,
            "terminal_real_balance": self.terminal_real_balance,
            "terminal_roth_balance": self.terminal_roth_balance / end,
            "total_investment_return": (self.investment_return / yearly).sum(axis=1),
            "total_fees": (self.fees / yearly).sum(axis=1),
        }

    def _money_out(self) -> np.ndarray:
        """Money leaving the account each year (leakage, forfeitures, withdrawals), (S, Y)."""
        out = np.zeros_like(self.balance_end)
        if self.leakage_paths is not None:
            out = out + self.leakage_paths.sum(axis=-1)
        if self.forfeitures is not None:
            out = out + self.forfeitures
        if self.retirement_paths is not None:
            out = out + self.retirement_paths.pretax + self.retirement_paths.roth
        return out

    def risk(
        self,
        target: float | None = None,
        *,
        years: int | None = None,
        quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    ) -> pd.DataFrame:
        """Risk figures of the saver's balance across scenarios.

        Parameters
        ----------
        target : float, optional
            Dollars (nominal, at the end of the run); by default
            :attr:`paid_in` (opening balance plus every contribution).
        years : int, optional
            Horizon N of the probability of loss, in years from the start
            (1 to the run's length); by default the whole run.
        quantiles : sequence of float
            Quantiles of the maximum drawdown.

        Returns
        -------
        DataFrame indexed by ``metric``
            Columns ``mean`` then the quantiles (``p05``, ``p50``, ``p95``) and
            ``unit``. Rows:

            - ``prob_below_target``: share of scenarios whose terminal balance
              is below ``target`` (``mean`` only; unit ``probability``).
            - ``cvar05_terminal_balance``: mean terminal balance of the worst
              5% of scenarios (``mean`` only; ``USD nominal``).
            - ``max_drawdown``: the distribution across scenarios of the
              largest fall of the year-end balance path (opening balance
              first) from its running peak, as a share of that peak
              (unit ``share of peak``; contributions soften falls).
            - ``prob_loss_<N>y``: share of scenarios whose balance after N
              years is below the opening balance plus the contributions of
              those N years, less any money taken out in them (leakage,
              forfeitures, retirement withdrawals) -- i.e. the investment
              return net of fees over those years is negative (``mean``
              only; ``probability``).

            ``frame.attrs``: ``units`` (``"USD nominal"``), ``target``
            (dollars) and ``years`` (N).
        """
        qs = check_quantiles(quantiles)
        n_years = int(self.balance_end.shape[1])
        horizon = n_years if years is None else check_int("years", years, low=1, high=n_years)
        goal = self.paid_in if target is None else _check_finite("target", target)
        terminal = self.terminal_balance
        opening = np.full((self.n_scenarios, 1), float(self.participant.balance))
        path = np.concatenate([opening, self.balance_end], axis=1)
        contributions = np.broadcast_to(
            self.contributions.total.T, self.balance_end.shape
        )  # (S, Y)
        money_in = (contributions - self._money_out())[:, :horizon].sum(axis=1)
        lost = self.balance_end[:, horizon - 1] < float(self.participant.balance) + money_in
        blank = {quantile_label(q): np.nan for q in qs}
        rows = {
            "prob_below_target": {
                "mean": float(np.mean(terminal < goal)),
                **blank,
                "unit": "probability",
            },
            "cvar05_terminal_balance": {
                "mean": _lower_tail_mean(terminal),
                **blank,
                "unit": units(False),
            },
            "max_drawdown": {**_distribution_row(_max_drawdown(path), qs), "unit": "share of peak"},
            f"prob_loss_{horizon}y": {"mean": float(lost.mean()), **blank, "unit": "probability"},
        }
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "metric"
        frame.attrs["units"] = units(False)
        frame.attrs["target"] = float(goal)
        frame.attrs["years"] = horizon
        return frame

    def _leakage_tax(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Income tax and penalty of the taxable leakage by part, (S, Y) each, nominal dollars.

        Each year's cash-outs, hardship withdrawals and loan defaults, times the
        pre-tax share of the year-end balance (Roth money is left untaxed: the
        working years do not track Roth basis), taxed together on top of the
        year's wages (pay less pre-tax deferrals) at the rates they reach
        (:meth:`alt401k.Leakage.leakage_tax`).
        """
        from ..leakage import LEAKAGE_PARTS, TAXABLE_PARTS, Leakage

        assert self.leakage_paths is not None
        c = self.contributions
        shape = self.balance_end.shape
        wages = np.broadcast_to((c.salary - c.employee_pretax).T, shape)
        pretax = np.divide(
            self.balance_end - self.roth_balance_end,
            self.balance_end,
            out=np.ones(shape),
            where=self.balance_end > 0,
        )
        amounts = {
            name: self.leakage_paths[:, :, LEAKAGE_PARTS.index(name)] * np.clip(pretax, 0.0, 1.0)
            for name in TAXABLE_PARTS
        }
        out = {name: (np.zeros(shape), np.zeros(shape)) for name in TAXABLE_PARTS}
        for y, (year, age) in enumerate(zip(self.years, c.age[:, 0], strict=True)):
            index = 1.025 ** max(int(year) - 2026, 0)
            taxes = Leakage.leakage_tax(
                {name: a[:, y] for name, a in amounts.items()},
                float(age),
                wages=np.maximum(wages[:, y], 0.0),
                year=int(year),
                index=index,
            )
            for name, (tax, penalty) in taxes.items():
                out[name][0][:, y] = tax
                out[name][1][:, y] = penalty
        return out

    def retirement_outcomes(self, *, real: bool = True) -> dict[str, np.ndarray]:
        """Per-scenario retirement outcomes, (S,) each.

        Parameters
        ----------
        real : bool
            Start-year dollars (deflated by the simulated price level) if
            True, nominal dollars if False.

        Returns
        -------
        dict of str to ndarray (S,)
            ``balance_at_retirement``; ``first_year_income`` (after-tax income
            from the plan in the first retirement year); ``mean_income``
            (after-tax income from the plan, averaged over the retirement
            years); ``after_tax_terminal_wealth`` (the balance at the end age
            net of the income tax and 10% penalty it would owe if withdrawn in
            that year: on its pre-tax part and on the earnings of its Roth part
            where that would not be a qualified distribution, pro rata,
            :mod:`alt401k.retirement`); ``total_tax`` (income tax and penalty the
            withdrawals caused, summed); ``replacement_ratio`` (first-year
            withdrawals plus Social Security, before tax, over the last
            year's pay); ``ran_out`` (1 if a desired withdrawal went unpaid
            before the end age, else 0).

        Raises
        ------
        ValueError
            If the run had no retirement phase.
        """
        r, spec = self.retirement_paths, self.retirement
        if r is None or spec is None:
            raise ValueError(
                "this run has no retirement phase: pass retirement=ak.Retirement(...) to "
                "simulate_participant"
            )
        first = self.retirement_year_index
        deflate = self.price_at_start if real else np.ones_like(self.price_at_start)
        income = r.after_tax_income / deflate
        at_retirement = self.balance_at_retirement / (
            self.price_level[:, first - 1] if real and first > 0 else 1.0
        )
        pretax_end = np.maximum(self.terminal_balance - self.terminal_roth_balance, 0.0)
        last = self.balance_end.shape[1] - 1
        schedule, index0 = spec.schedule(int(self.years[0]))
        schedule = schedule.indexed(1.0, year=int(self.years[last]))
        age = float(self.participant.age + last)
        price = self.price_at_start[:, last]
        other = spec.other_income * price
        ss = spec.social_security * price if age >= spec.social_security_age else 0.0 * price
        kwargs: dict[str, Any] = {"age": age, "social_security": ss, "index": index0 * price}
        # Roth earnings are taxed only where a withdrawal that year would not be qualified.
        assert r.roth_basis is not None and r.roth_nonqualified_share is not None  # filled in
        roth_earnings = np.maximum(self.terminal_roth_balance - r.roth_basis[:, last], 0.0)
        roth_taxable = roth_earnings * r.roth_nonqualified_share[:, last]
        lump_tax = schedule.income_tax(
            pretax_end + roth_taxable + other, **kwargs
        ) - schedule.income_tax(other, **kwargs)
        lump_tax = lump_tax + early_withdrawal_penalty(
            pretax_end + roth_earnings,
            age,
            separation_age=float(self.participant.retirement_age),
            sepp=spec.sepp,
        )
        end_deflator = self.price_level[:, -1] if real else 1.0
        final_pay = (
            self.contributions.salary[first - 1] if first > 0 else np.zeros(self.n_scenarios)
        )
        gross_first = r.withdrawals[:, first] + r.social_security[:, first]
        return {
            "balance_at_retirement": at_retirement,
            "first_year_income": income[:, first],
            "mean_income": income[:, first:].mean(axis=1),
            "after_tax_terminal_wealth": (self.terminal_balance - lump_tax) / end_deflator,
            "total_tax": ((r.tax + r.penalty) / deflate).sum(axis=1),
            "replacement_ratio": np.divide(
                gross_first,
                final_pay,
                out=np.zeros(self.n_scenarios),
                where=np.broadcast_to(final_pay, gross_first.shape) > 0,
            ),
            "ran_out": (r.shortfall[:, first:] > 0).any(axis=1).astype(float),
        }

    def retirement_summary(
        self,
        quantiles: Sequence[float] = DEFAULT_QUANTILES,
        *,
        real: bool = True,
        baseline: ParticipantResults | None = None,
        se: bool = False,
    ) -> pd.DataFrame:
        """Distribution of retirement outcomes across scenarios, optionally paired.

        Parameters
        ----------
        quantiles : sequence of float
        real : bool
            Start-year dollars (default) or nominal.
        baseline : ParticipantResults, optional
            The same saver on the same paths with another portfolio (e.g.
            ``portfolio.without_sleeve()``, same ``rng`` and markets); adds
            rows ``<metric>_vs_baseline`` with the distribution of the
            scenario-by-scenario difference.
        se : bool
            Add ``<column>_se``, each figure's Monte Carlo standard error, by
            batch means as in :meth:`summary`. Default False.

        Returns
        -------
        DataFrame indexed by ``metric``
            Rows from :meth:`retirement_outcomes`; columns ``mean`` and the
            quantiles. For ``ran_out`` the mean is the probability of running
            out before the end age.
        """
        qs = check_quantiles(quantiles)
        outcomes = self.retirement_outcomes(real=real)
        series = dict(outcomes)
        if baseline is not None:
            if baseline.n_scenarios != self.n_scenarios or not np.array_equal(
                baseline.years, self.years
            ):
                raise ValueError(
                    "baseline must be the same saver over the same years and scenarios "
                    f"({self.n_scenarios} scenarios, {self.years[0]}-{self.years[-1]})"
                )
            base = baseline.retirement_outcomes(real=real)
            series.update({f"{k}_vs_baseline": v - base[k] for k, v in outcomes.items()})
        rows = {name: _distribution_row(values, qs) for name, values in series.items()}
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "metric"
        frame.attrs["dollars"] = "start-year (real)" if real else "nominal"
        frame.attrs["units"] = units(real)
        if se:
            batches = batch_slices(self.n_scenarios, self.sampling)

            def stats(v: np.ndarray) -> np.ndarray:
                return np.array([np.mean(v), *np.quantile(v, qs)])

            errors = {
                name: batch_standard_error(np.asarray(v, dtype=float), stats, batches)
                for name, v in series.items()
            }
            for i, column in enumerate(["mean", *(quantile_label(q) for q in qs)]):
                frame[f"{column}_se"] = [errors[name][i] for name in frame.index]
            frame.attrs["se_method"] = SE_METHOD
        return frame

    def metadata(self) -> dict[str, Any]:
        """Every input of the run and its seed, as JSON-friendly data.

        Complete: ``simulate_participant`` called with these (the specs
        validated again, ``rng=SeedSequence(entropy, spawn_key=...)``) gives
        bit-identical numbers; :func:`alt401k.io.rerun` does exactly that.
        """

        def dump(spec: Any) -> Any:
            return None if spec is None else spec.model_dump(mode="json")

        return {
            "participant": dump(self.participant),
            "plan": dump(self.plan),
            "portfolio": dump(self.portfolio),
            "markets": dump(self.markets),
            "retirement": dump(self.retirement),
            "leakage": dump(self.leakage),
            "pay": dump(self.pay),
            "indexing_rate": self.indexing_rate,
            "n_scenarios": self.n_scenarios,
            "periods_per_year": self.periods_per_year,
            "seed": seed_record(self.seed),
        }
