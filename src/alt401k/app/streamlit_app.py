"""The Streamlit script of ``alt401k app``: a page picker, then the pool or the saver.

Query parameters set the starting point, e.g.
``http://localhost:8501/?page=pool&scenario=headline&n=500&seed=3``:
``page`` (pool or saver), and for the pool ``scenario`` (a file name),
``n`` (scenarios) and ``seed`` (both pages). Widgets change them afterwards.
"""

from __future__ import annotations

import streamlit as st

from alt401k.app import pool_page, saver_page
from alt401k.app._common import SCENARIO_FILES

PAGES = ("Pool", "Saver")


def _query_int(name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(st.query_params.get(name, default))
    except (TypeError, ValueError):
        return default
    return value if low <= value <= high else default


def main() -> None:
    st.set_page_config(page_title="alt401k", layout="wide")
    asked = str(st.query_params.get("page", "pool")).capitalize()
    with st.sidebar:
        st.title("alt401k")
        page = st.radio("Page", PAGES, index=PAGES.index(asked) if asked in PAGES else 0,
                        key="page", horizontal=True)
    n_default = _query_int("n", 2_000, 100, 20_000)
    seed_default = _query_int("seed", 1, 0, 2**32 - 1)
    if page == "Pool":
        scenario = str(st.query_params.get("scenario", "base"))
        pool_page.render(
            st,
            n_default=n_default,
            seed_default=seed_default,
            file_default=scenario if scenario in SCENARIO_FILES else "base",
        )
    else:
        saver_page.render(st, n_default=n_default, seed_default=seed_default)
    st.caption(
        "alt401k: Monte Carlo of alternative assets in US DC plans. Runs on this machine only; "
        "nothing is sent anywhere. Dollars are nominal unless marked start-year (real)."
    )


main()
