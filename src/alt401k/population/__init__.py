"""Participants and populations: the savers the engine simulates.

* :class:`Participant` -- one saver, a validated specification.
* :class:`Population` -- weighted participant cells (one row per cell; a
  cell's ``weight`` is the number of real people it stands for), from a
  calibrated synthetic generator (:meth:`Population.synthetic`), a table
  (:meth:`Population.from_frame`) or participants
  (:meth:`Population.from_participants`).
* :class:`ParticipantCells` -- the engine's array view of either
  (:meth:`Population.cells`, :func:`cells_from_participants`).

Calibration targets of :meth:`Population.synthetic`
----------------------------------------------------

Age bands are Vanguard How America Saves (HAS) bands <25, 25-34, 35-44, 45-54,
55-64, 65+ unless noted; *est.* marks our own judgement, an adjustable
assumption. :meth:`Population.calibration_report` measures every published
target below; the errors of the default population are listed there.

=========================== =============================================== ========================
target                      value                                           source
=========================== =============================================== ========================
participants                90 million (``n_participants``)                 EO 14330 text
assets                      $12.5T (``total_assets``)                       coverage of EO 14330
plan-size segments          participant and asset shares, see               PLANSPONSOR 2020
                            :data:`SEGMENT_SHARES`                          recordkeeping survey
people by age               20s+30s 40%, 40s 23%, 50s 23%, 60s and over     EBRI/ICI 401(k)
                            14%                                             database, YE 2022
people by decade (*est.*)   20s 17%, 30s 23%, 60s 11%, 70 and over 3%;      split of the above
                            even within a decade, 70+ falling 15%/year
balance profile             band mean / overall mean as 5,236; 30,017;      Vanguard HAS, YE 2022
                            76,354; 142,069; 207,874; 232,710 (dollars)
balance spread              lognormal within an age, sigma =                Vanguard HAS, YE 2022
                            sqrt(2 ln(mean/median)), medians 1,948;
                            11,357; 28,318; 48,301; 71,168; 70,620
pay by age (working cells)  median = 52 x weekly 760 (16-24); 1,139; 1,351; BLS usual weekly
                            1,362; 1,296; 1,198 dollars                     earnings, Q2 2025
pay spread (*est.*)         lognormal within a band, sigma 0.6              judgement
pay and balance (*est.*)    rank correlation 0.5 within an age              judgement
deferral (working cells)    mean 5.5%, 6.8, 7.3, 7.9, 9.3, 10.1             Vanguard HAS 2025
working share (*est.*)      ~80% (72.2M active of ~90M): 84% <25, 88%       DOL EBSA 2019 Form
                            25-54, 84% 55-59, 70% 60-64, 45% at 65 falling  5500; EO text
                            7 points a year to 17% at 69, none from 70
default investors (*est.*)  ~58%: 75% <25, 68, 60, 55, 50, 42% 65+          HAS 2025: 55-60% wholly
                                                                            in one target-date fund
Roth users (*est.*)         ~18%: 26% <25, 24, 20, 16, 12, 8% 65+; they     HAS 2025: about 18%
                            defer all-Roth and hold 30% of balance as Roth
retirement age (*est.*)     65 for every cell                               judgement
salary growth (*est.*)      3.5% a year (2.5% inflation + 1% real)          J.P. Morgan 2026 LTCMA
=========================== =============================================== ========================

BLS pay is that of all full-time wage earners; 401(k) participants earn more
(median $89,000 against $42,000 for non-participants, HAS 2025), so the
synthetic pay, and the contributions it implies, are on the low side.
"""

from __future__ import annotations

from .cells import ParticipantCells, cells_from_participants
from .participant import Participant
from .population import Population
from .targets import DEFAULT_SALARY_GROWTH as DEFAULT_SALARY_GROWTH
from .targets import SEGMENT_SHARES, SEGMENTS

__all__ = [
    "SEGMENTS",
    "SEGMENT_SHARES",
    "Participant",
    "ParticipantCells",
    "Population",
    "cells_from_participants",
]
