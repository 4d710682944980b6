// Django's navigation sidebar takes 300 px beside the lists: on a 1280 px laptop the ledger's
// decision column and the reports' results ran off the screen. Below 1600 px it starts closed
// until the person opens it with « » (Django's nav_sidebar.js keeps that choice here).
if (window.localStorage.getItem("django.admin.navSidebarIsOpen") === null && window.innerWidth < 1600) {
  window.localStorage.setItem("django.admin.navSidebarIsOpen", "false");
}
