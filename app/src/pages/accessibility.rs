//! `/deklaracja-dostepnosci`: the accessibility statement required by the
//! Polish act on digital accessibility (ustawa z 4 kwietnia 2019 r.).

use crate::components::PageHeading;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    view! {
        <Title text="Deklaracja dostępności"/>
        <div class="page prose">
            <PageHeading>"Deklaracja dostępności eZUS"</PageHeading>
            <p>
                "Zakład Ubezpieczeń Społecznych zobowiązuje się zapewnić dostępność swojej strony internetowej zgodnie z ustawą z dnia 4 kwietnia 2019 r. o dostępności cyfrowej stron internetowych i aplikacji mobilnych podmiotów publicznych. Deklaracja dotyczy części eZUS służącej do logowania i wyboru konta."
            </p>
            <ul>
                <li>"Data publikacji strony internetowej: 2026-11-22."</li>
                <li>"Data ostatniej istotnej aktualizacji: 2026-11-25."</li>
            </ul>

            <h2>"Status pod względem zgodności z ustawą"</h2>
            <p id="compliance">
                <strong>"Ta strona internetowa jest częściowo zgodna"</strong>
                " z ustawą z dnia 4 kwietnia 2019 r. o dostępności cyfrowej stron internetowych i aplikacji mobilnych podmiotów publicznych z powodu niezgodności wymienionych poniżej."
            </p>
            <h3>"Treści niedostępne"</h3>
            <ul>
                <li>"Na stronie nie ma jeszcze informacji o jej zawartości w polskim języku migowym (PJM) ani tekstu łatwego do czytania (ETR)."</li>
                <li>"Logowanie e-dowodem przez login.gov.pl wymaga odczytania karty telefonem z NFC albo czytnikiem NFC. Kto nie może tego zrobić, zaloguje się Profilem Zaufanym, przez bank albo loginem i hasłem."</li>
                <li>"Strona nie ma jeszcze wersji w języku angielskim."</li>
            </ul>
            <p>"Ułatwienia na stronie:"</p>
            <ul>
                <li>"link „Przejdź do treści” na początku każdej strony,"</li>
                <li>"widoczne zaznaczenie elementu, na którym jest fokus; po każdym kroku fokus przechodzi do nagłówka nowej strony albo do listy błędów,"</li>
                <li>"strona działa przy szerokości ekranu 320 pikseli i przy powiększeniu do 400%,"</li>
                <li>"formularze działają bez JavaScriptu, a błędy są zebrane w podsumowaniu, które otrzymuje fokus i jest odczytywane przez czytniki ekranu; tytuł strony z błędem zaczyna się od „Błąd:”,"</li>
                <li>"każde pole ma etykietę, a pola z błędem są oznaczone i powiązane z opisem błędu,"</li>
                <li>"przed wygaśnięciem sesji pojawia się okno, w którym możesz ją przedłużyć – także klawiszem Escape."</li>
            </ul>
            <p>"Na stronie można używać standardowych skrótów klawiaturowych przeglądarki."</p>

            <h2>"Przygotowanie deklaracji dostępności"</h2>
            <p>
                "Deklarację sporządzono 2026-11-22 na podstawie samooceny przeprowadzonej przez podmiot publiczny: każda strona i każdy stan błędu są automatycznie sprawdzane narzędziem axe-core w przeglądarce Chromium, a ścieżki logowania są testowane wyłącznie z klawiatury, z wyłączonym JavaScriptem i z czytnikiem ekranu w drzewie dostępności. Deklarację ostatnio poddano przeglądowi i aktualizacji 2026-11-25."
            </p>

            <h2>"Informacje zwrotne i dane kontaktowe"</h2>
            <p id="contact">
                "Za rozwiązywanie problemów z dostępnością cyfrową tej strony odpowiada Katarzyna Lewandowska, koordynatorka do spraw dostępności w ZUS: e-mail "
                <a href="mailto:dostepnosc@zus.pl">"dostepnosc@zus.pl"</a>
                ", telefon 22 560 16 00 (Centrum Obsługi Telefonicznej ZUS). Tą samą drogą możesz złożyć wniosek o udostępnienie informacji niedostępnej albo skargę na brak zapewnienia dostępności."
            </p>

            <h2>"Procedura wnioskowo-skargowa"</h2>
            <p>
                "Każdy ma prawo zażądać zapewnienia dostępności cyfrowej strony internetowej lub jej elementu. Żądanie powinno zawierać dane kontaktowe osoby zgłaszającej, wskazanie strony lub elementu oraz sposób kontaktu. ZUS zrealizuje żądanie niezwłocznie, nie później niż w ciągu 7 dni od jego wystąpienia. Jeżeli dotrzymanie tego terminu nie jest możliwe, ZUS poinformuje o tym, kiedy realizacja będzie możliwa; termin ten nie może być dłuższy niż 2 miesiące. Jeżeli zapewnienie dostępności nie jest możliwe, ZUS może zaproponować alternatywny sposób dostępu do informacji."
            </p>
            <p>
                "Jeżeli ZUS odmówi realizacji żądania, możesz złożyć skargę. Po wyczerpaniu tej procedury możesz złożyć wniosek do Rzecznika Praw Obywatelskich ("
                <a href="https://bip.brpo.gov.pl">"bip.brpo.gov.pl"</a>
                ")."
            </p>

            <h2>"Dostępność architektoniczna"</h2>
            <p>
                "Informacje o dostępności architektonicznej placówek ZUS, w tym o tłumaczu języka migowego, znajdziesz w opisie każdej placówki na stronie zus.pl."
            </p>
        </div>
    }
}
